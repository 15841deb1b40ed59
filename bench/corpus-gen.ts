import type { IssueText } from '../src/classify/types.js';
import type { StoredIssue } from '../src/store/types.js';
import { sharedDir } from '../test/support/shared-dir.js';
import { seededRandom } from '../src/classify/random.js';
import { defaultCorpusFiles, readExamples } from '../src/classify/corpus.js';

/**
 * Issues for benchmarks: the corpus questions as they are, then generated issues whose words
 * follow a Zipf law over the corpus vocabulary ranked by frequency, extended with a long tail
 * of rare made-up words (identifiers, product names) so document frequencies look like a real
 * tracker's: a few words everywhere, most words in a handful of issues. Without ../shared a
 * built-in vocabulary stands in, so the benchmark still runs.
 */

const surfaceWord = /[\p{L}\p{N}_'’-]+/gu;


const builtInWords = `the a to and I is in it of for on my app when with not but this that we use
  connection network error request session server data socket device iOS macOS tunnel VPN
  provider extension packet DNS Wi-Fi certificate TLS trust background task download upload
  URLSession NWConnection NWListener NEPacketTunnelProvider WebSocket HTTP proxy Bonjour local
  permission privacy timeout code failed fails returns works after before always never user
  simulator Xcode version update install filter content flow UDP TCP port address interface
  cellular hotspot accessory peer listener browser service resolve host response header cookie
  cache redirect body JSON upload stream read write close cancel retry reachability path monitor`.split(/\s+/);

export function corpusTexts(): IssueText[] | null {
  const dir = sharedDir();
  if (!dir) return null;
  return defaultCorpusFiles(dir)
    .flatMap((file) => readExamples(file))
    .map(({ title, body }) => ({ title, body }));
}

/** Words ranked most frequent first, followed by `tailSize` rare made-up words. */
export function rankedVocabulary(texts: readonly IssueText[] | null, tailSize: number, random: () => number): string[] {
  let ranked = builtInWords;
  if (texts) {
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const match of `${text.title} ${text.body}`.matchAll(surfaceWord)) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
    }
    ranked = [...counts].sort((a, b) => b[1] - a[1]).map(([word]) => word);
  }
  const syllables = ['ka', 'ro', 'ne', 'ti', 'su', 'lo', 'mi', 'xa', 've', 'du', 'pe', 'zo', 'qui', 'bra', 'nd', 'st'];
  const tail: string[] = [];
  for (let i = 0; i < tailSize; i++) {
    let word = random() < 0.3 ? 'NW' : '';
    const parts = 2 + Math.floor(random() * 3);
    for (let p = 0; p < parts; p++) word += syllables[Math.floor(random() * syllables.length)];
    tail.push(`${word}${i}`);
  }
  return [...ranked, ...tail];
}

/** Draws word ranks with probability proportional to 1 / rank^exponent. */
export function zipfSampler(size: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) cumulative[rank] = total += 1 / (rank + 1) ** exponent;
  return () => {
    const target = random() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid] < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

export interface BenchCorpus {
  issues: StoredIssue[];
  /** New issues to look up, not in `issues`: held-out real questions where available. */
  queries: IssueText[];
  source: 'corpus' | 'built-in';
}

export function benchCorpus(options: { count: number; queries: number; repo: string; seed?: number }): BenchCorpus {
  const random = seededRandom(options.seed ?? 42);
  const texts = corpusTexts();
  const vocabulary = rankedVocabulary(texts, 60_000, random);
  const nextRank = zipfSampler(vocabulary.length, 1.05, random);
  const sentence = (words: number) => Array.from({ length: words }, () => vocabulary[nextRank()]).join(' ');
  // Body lengths are log-normal: most issues a paragraph, a few with long pasted logs.
  const bodyLength = () => Math.min(800, Math.max(8, Math.round(Math.exp(4.1 + 0.8 * gaussian(random)))));
  const generated = (): IssueText => ({ title: sentence(4 + Math.floor(random() * 9)), body: sentence(bodyLength()) });

  const real = texts ?? [];
  const heldOut = real.filter((_, i) => i % 4 === 0).slice(0, options.queries);
  const indexed = real.filter((_, i) => i % 4 !== 0);
  const issues: StoredIssue[] = [];
  for (let number = 1; number <= options.count; number++) {
    const text = indexed[number - 1] ?? generated();
    issues.push({
      repo: options.repo,
      number,
      title: text.title,
      body: text.body,
      state: random() < 0.6 ? 'closed' : 'open',
      answered: random() < 0.4,
      isPrivate: false,
      url: `https://github.com/${options.repo}/issues/${number}`,
      updatedAt: '2024-01-01T00:00:00Z',
    });
  }
  const queries = [...heldOut];
  while (queries.length < options.queries) queries.push(generated());
  return { issues, queries, source: texts ? 'corpus' : 'built-in' };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
