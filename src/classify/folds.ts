import { seededRandom, shuffled } from './random.js';

/**
 * Assigns each item a fold in 0..k-1 so every stratum (here: primary topic) is spread evenly
 * over the folds. Seeded, so evaluation and calibration see the same folds on every run.
 */
export function stratifiedFolds(strata: readonly string[], k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const byStratum = new Map<string, number[]>();
  strata.forEach((stratum, index) => {
    const members = byStratum.get(stratum) ?? [];
    members.push(index);
    byStratum.set(stratum, members);
  });
  const folds = new Array<number>(strata.length).fill(0);
  let next = 0;
  for (const stratum of [...byStratum.keys()].sort()) {
    for (const index of shuffled(byStratum.get(stratum) ?? [], random)) {
      folds[index] = next;
      next = (next + 1) % k;
    }
  }
  return folds;
}
