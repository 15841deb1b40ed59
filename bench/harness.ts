import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Shared shape of every benchmark: each runs its anchor in the same process and reports
 * ratios against it, so a slow or noisy machine still gives a fair comparison.
 */
export interface BenchContext {
  json: boolean;
  /** Smaller sizes for a quick look (`npm run bench -- --quick`). */
  quick: boolean;
  /** Human-readable output; silent with --json so stdout stays one JSON object. */
  print(line: string): void;
}

export type Figure = number | string | boolean | null;

export interface BenchResult {
  name: string;
  figures: Record<string, Figure | Record<string, Figure>>;
}

export type Bench = (context: BenchContext) => Promise<BenchResult>;

export function median(values: number[]): number {
  return percentile(values, 50);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Milliseconds taken by `fn`, with a high-resolution clock. */
export async function timeIt<T>(fn: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

const collectGarbage: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  })();

/**
 * Heap plus array buffers: our postings live in typed arrays, outside the JS heap proper. The
 * backing stores of collected arrays are released a tick after the collection, hence the waits.
 */
export async function memoryMb(): Promise<number> {
  for (let round = 0; round < 3; round++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 1024 / 1024;
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
