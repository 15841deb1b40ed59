import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import { DEFAULT_SIMILARITY_FLOOR, SimilarIssueIndex, issueTerms } from '../../src/similar/index.js';
import { sublinearTf } from '../../src/similar/repo-term-index.js';
import type { StoredIssue } from '../../src/store/types.js';
import { issue, issues, repo } from './fixtures.js';

interface NaturalTfIdf {
  addDocument(terms: string[], key: string): void;
  tfidfs(terms: string[]): number[];
}
const NaturalTfIdfClass = createRequire(import.meta.url)('natural/lib/natural/tfidf/tfidf.js') as new () => NaturalTfIdf;

function indexOf(list: StoredIssue[]): SimilarIssueIndex {
  const index = new SimilarIssueIndex();
  for (const item of list) index.upsert(item);
  return index;
}

const backgroundSocket = { title: 'WebSocket disconnects in background', body: 'The WebSocket task gets code 1001 when the app enters the background and does not reconnect in the foreground.' };

/** Cosine of `(1 + ln tf) × idf` vectors, computed the slow obvious way. */
function bruteForceCosine(documents: string[][], query: string[], target: number): number {
  const idf = (term: string) => 1 + Math.log(documents.length / (1 + documents.filter((d) => d.includes(term)).length));
  const vector = (terms: string[]) => {
    const counts = new Map<string, number>();
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    return new Map([...counts].map(([term, count]) => [term, sublinearTf(count) * idf(term)]));
  };
  const q = vector(query);
  const d = vector(documents[target]);
  let dot = 0;
  for (const [term, weight] of q) dot += weight * (d.get(term) ?? 0);
  const norm = (v: Map<string, number>) => Math.sqrt([...v.values()].reduce((sum, w) => sum + w * w, 0));
  return dot / (norm(q) * norm(d));
}

describe('SimilarIssueIndex', () => {
  it('finds the earlier issue on the same problem, and only issues above the floor', () => {
    const index = indexOf(issues);
    const found = index.query(repo, backgroundSocket, { includePrivate: false });
    expect(found.map((f) => f.number).sort()).toEqual([1, 6]);
    for (const f of found) {
      expect(f.score).toBeGreaterThanOrEqual(DEFAULT_SIMILARITY_FLOOR);
      expect(f).toMatchObject({ repo, url: `https://github.com/${repo}/issues/${f.number}`, answered: false });
    }
  });

  it('says nothing when no earlier issue clears the floor', () => {
    const index = indexOf(issues);
    expect(index.query(repo, { title: 'Bluetooth pairing dialog', body: 'The pairing sheet for my accessory shows twice.' }, { includePrivate: true })).toEqual([]);
    expect(index.query(repo, backgroundSocket, { includePrivate: true, floor: 0.999 })).toEqual([]);
  });

  it('keeps every suggestion at or above an explicit floor, at most `limit` of them', () => {
    const index = indexOf(issues);
    const all = index.query(repo, backgroundSocket, { includePrivate: true, floor: 0.01, limit: 10 });
    expect(all.length).toBeGreaterThan(2);
    const floor = (all[1].score + all[2].score) / 2;
    const above = index.query(repo, backgroundSocket, { includePrivate: true, floor, limit: 10 });
    expect(above.every((f) => f.score >= floor)).toBe(true);
    expect(above).toHaveLength(all.filter((f) => f.score >= floor).length);
    expect(index.query(repo, backgroundSocket, { includePrivate: true, floor: 0.01, limit: 1 })).toHaveLength(1);
  });

  it('never suggests the issue itself', () => {
    const index = indexOf(issues);
    const found = index.query(repo, issues[0], { excludeNumber: 1, includePrivate: false, floor: 0.01 });
    expect(found.map((f) => f.number)).not.toContain(1);
    expect(found[0].number).toBe(6);
  });

  it('never suggests an issue of another repository', () => {
    const index = indexOf([...issues, issue(40, backgroundSocket.title, backgroundSocket.body, { repo: 'other/app' })]);
    expect(index.query(repo, backgroundSocket, { includePrivate: true }).map((f) => f.repo)).toEqual([repo, repo]);
    expect(index.query('other/app', backgroundSocket, { includePrivate: true }).map((f) => f.number)).toEqual([40]);
    expect(index.query('nobody/here', backgroundSocket, { includePrivate: true })).toEqual([]);
  });

  it('leaves private issues out of public replies', () => {
    const index = indexOf([...issues.filter((i) => i.number !== 6), issue(6, issues[5].title, issues[5].body, { isPrivate: true })]);
    expect(index.query(repo, backgroundSocket, { includePrivate: false }).map((f) => f.number)).toEqual([1]);
    expect(index.query(repo, backgroundSocket, { includePrivate: true }).map((f) => f.number).sort()).toEqual([1, 6]);
  });

  it('puts closed-with-answer issues first, then the more similar', () => {
    const plain = indexOf(issues).query(repo, backgroundSocket, { includePrivate: false });
    expect(plain[0].score).toBeGreaterThanOrEqual(plain[1].score);
    const lessSimilar = plain[1].number;
    const answered = indexOf(issues.map((i) => (i.number === lessSimilar ? { ...i, state: 'closed' as const, answered: true } : i)));
    const found = answered.query(repo, backgroundSocket, { includePrivate: false });
    expect(found.map((f) => f.number)).toEqual([lessSimilar, plain[0].number]);
    expect(found[0].answered).toBe(true);
  });

  it('updates an edited issue and forgets a removed one', () => {
    const index = indexOf(issues);
    expect(index.size).toBe(7);
    index.upsert(issue(6, 'Proxy settings ignored', 'The system HTTP proxy is ignored by our ephemeral session configuration.'));
    expect(index.size).toBe(7);
    expect(index.query(repo, backgroundSocket, { includePrivate: false }).map((f) => f.number)).toEqual([1]);
    expect(index.query(repo, { title: 'proxy ignored', body: 'ephemeral session ignores the HTTP proxy' }, { includePrivate: false }).map((f) => f.number)).toEqual([6]);

    expect(index.remove(repo, 1)).toBe(true);
    expect(index.remove(repo, 1)).toBe(false);
    expect(index.size).toBe(6);
    expect(index.query(repo, backgroundSocket, { includePrivate: false })).toEqual([]);
  });

  it('takes a metadata-only update (closed with an answer) without losing the issue', () => {
    const index = indexOf(issues);
    index.upsert({ ...issues[0], state: 'closed', answered: true });
    const found = index.query(repo, backgroundSocket, { includePrivate: false });
    expect(found[0]).toMatchObject({ number: 1, answered: true });
  });

  it('ranks by the exact cosine however the index got to its state', () => {
    const index = new SimilarIssueIndex();
    const documents = new Map<number, StoredIssue>();
    const step = (item: StoredIssue) => {
      index.upsert(item);
      documents.set(item.number, item);
      // A query after every change exercises the incremental norm update.
      index.query(repo, backgroundSocket, { includePrivate: true, floor: 0 });
    };
    for (const item of issues) step(item);
    step(issue(3, 'Pinning broke', 'Certificate pinning broke after the update; trust evaluation says -1202 again and again.'));
    index.remove(repo, 5);
    documents.delete(5);
    step(issue(8, 'WebSocket background again', 'background background WebSocket code 1001'));
    // A pasted log: more repeats than a posting's count field holds.
    step(issue(9, 'Log of a background WebSocket', 'WebSocket closed '.repeat(300)));

    const ordered = [...documents.values()];
    const terms = ordered.map((d) => issueTerms(d));
    const found = index.query(repo, backgroundSocket, { includePrivate: true, floor: 0, limit: 100 });
    expect(found.length).toBeGreaterThan(3);
    for (const f of found) {
      const position = ordered.findIndex((d) => d.number === f.number);
      expect(f.score).toBeCloseTo(bruteForceCosine(terms, issueTerms(backgroundSocket), position), 12);
    }
  });

  it('compacts after many edits without changing answers', () => {
    const index = new SimilarIssueIndex();
    for (const item of issues) index.upsert(item);
    const before = index.query(repo, backgroundSocket, { includePrivate: true, floor: 0.05, limit: 10 });
    for (let round = 0; round < 300; round++) {
      for (const item of issues) index.upsert({ ...item, body: `${item.body} (edit ${round})` });
    }
    for (const item of issues) index.upsert(item);
    expect(index.size).toBe(issues.length);
    const after = index.query(repo, backgroundSocket, { includePrivate: true, floor: 0.05, limit: 10 });
    expect(after.map((f) => f.number)).toEqual(before.map((f) => f.number));
    after.forEach((f, i) => expect(f.score).toBeCloseTo(before[i].score, 12));
    expect(SimilarIssueIndex.fromSnapshot(index.toSnapshot()).toSnapshot().length).toBe(index.toSnapshot().length);
  });

  it('compacts after many removals without changing answers', () => {
    const index = new SimilarIssueIndex();
    const filler = (n: number) => issue(n, `Filler question ${n}`, `Unrelated words about reachability flags and cellular data number ${n}.`);
    for (let n = 100; n < 2300; n++) index.upsert(filler(n));
    index.upsert(issues[0]);
    const before = index.query(repo, backgroundSocket, { includePrivate: true, floor: 0.05 });
    for (let n = 100; n < 1250; n++) index.remove(repo, n);
    for (let n = 100; n < 1250; n++) index.upsert(filler(n));
    expect(index.size).toBe(2201);
    const after = index.query(repo, backgroundSocket, { includePrivate: true, floor: 0.05 });
    expect(after.map((f) => f.number)).toEqual(before.map((f) => f.number));
    after.forEach((f, i) => expect(f.score).toBeCloseTo(before[i].score, 12));
  });
});

describe('pruned ranking', () => {
  it('finds exactly the issues and scores a full scan finds above the floor', () => {
    // Skewed word use, as in a real tracker: a few words in most issues, many in a handful.
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    const words = Array.from({ length: 400 }, (_, i) => `word${i}x`);
    const pick = () => words[Math.floor(words.length * random() ** 3)];
    const text = (n: number) => Array.from({ length: n }, pick).join(' ');
    const index = new SimilarIssueIndex();
    for (let n = 1; n <= 1500; n++) index.upsert(issue(n, text(5), text(30)));
    // Pasted logs: counts beyond what a posting holds, on common and rare words alike.
    for (let n = 1501; n <= 1520; n++) index.upsert(issue(n, text(5), `${text(20)} ${`${pick()} ${words[n % 40]} `.repeat(260)}`));
    let pruned = 0;
    // Queries of rare words reach few issues (a list of them); common words reach most (a sweep).
    const rareText = (n: number) => Array.from({ length: n }, () => words[300 + Math.floor(100 * random())]).join(' ');
    for (let q = 0; q < 60; q++) {
      const query = q % 3 === 0 ? { title: rareText(3), body: rareText(6) } : { title: text(5), body: text(25) };
      const all = index.query(repo, query, { includePrivate: true, floor: 0, limit: 5000 });
      for (const floor of [0.15, 0.25, 0.4]) {
        const expected = all.filter((f) => f.score >= floor);
        const found = index.query(repo, query, { includePrivate: true, floor, limit: 5000 });
        expect(found.map((f) => f.number)).toEqual(expected.map((f) => f.number));
        found.forEach((f, i) => expect(f.score).toBeCloseTo(expected[i].score, 12));
        if (expected.length < all.length) pruned++;
      }
    }
    expect(pruned).toBeGreaterThan(0);
  });
});

describe('raw TF-IDF scores', () => {
  it("equal natural's TfIdf.tfidfs on a hand-written set, repeated query terms and long logs included", () => {
    const withLog = [...issues, issue(8, 'Tunnel log', 'tunnel DNS timeout '.repeat(400))];
    const index = indexOf(withLog);
    const natural = new NaturalTfIdfClass();
    for (const item of withLog) natural.addDocument(issueTerms(item), String(item.number));
    const queries = [
      issueTerms(backgroundSocket),
      issueTerms({ title: 'tunnel DNS tunnel DNS', body: 'the tunnel provider DNS resolver' }),
      issueTerms({ title: 'certificate', body: 'pinned certificate trust -1202' }),
    ];
    for (const query of queries) {
      const ours = index.rawScores(repo, query);
      const theirs = natural.tfidfs(query);
      withLog.forEach((item, position) => expect(ours.get(item.number) ?? 0).toBeCloseTo(theirs[position], 10));
      expect([...ours.values()].some((score) => score > 0)).toBe(true);
    }
  });

  it('treat `constructor` as an ordinary word, where natural answers NaN', () => {
    const index = indexOf(issues);
    const query = issueTerms({ title: 'constructor crash', body: 'the constructor crashes on an empty host' });
    expect(query).toContain('constructor');
    const raw = index.rawScores(repo, query);
    expect([...raw.values()].every(Number.isFinite)).toBe(true);
    expect([...raw.keys()]).toEqual([7]);
    expect(index.query(repo, { title: 'constructor crash', body: 'the constructor crashes on an empty host' }, { includePrivate: false }).map((f) => f.number)).toEqual([7]);

    const natural = new NaturalTfIdfClass();
    for (const item of issues) natural.addDocument(issueTerms(item), String(item.number));
    expect(natural.tfidfs(['constructor']).some(Number.isNaN)).toBe(true);
  });
});

describe('snapshots', () => {
  it('round-trip to an index that answers exactly the same', () => {
    const index = indexOf([...issues, issue(9, 'Private tunnel question', 'tunnel DNS stops resolving', { isPrivate: true, state: 'closed', answered: true }), issue(3, 'Multipath handover', 'multipath handover slow', { repo: 'other/app' })]);
    index.remove(repo, 4);
    const restored = SimilarIssueIndex.fromSnapshot(index.toSnapshot());
    expect(restored.size).toBe(index.size);
    for (const text of [backgroundSocket, issues[1], issues[6]]) {
      for (const includePrivate of [true, false]) {
        expect(restored.query(repo, text, { includePrivate, floor: 0.01, limit: 10 })).toEqual(index.query(repo, text, { includePrivate, floor: 0.01, limit: 10 }));
      }
    }
    expect(restored.query('other/app', { title: 'Multipath', body: 'handover is slow' }, { includePrivate: false })).toHaveLength(1);
    restored.upsert(issues[3]);
    expect(restored.size).toBe(index.size + 1);
  });

  it('round-trip through a misaligned copy of the bytes', () => {
    const bytes = indexOf(issues).toSnapshot();
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const restored = SimilarIssueIndex.fromSnapshot(shifted.subarray(1));
    expect(restored.query(repo, backgroundSocket, { includePrivate: false }).map((f) => f.number).sort()).toEqual([1, 6]);
  });

  it('reject bytes that are not a snapshot with a stable error code', () => {
    const bytes = indexOf(issues).toSnapshot();
    const attempts = [new Uint8Array(4), Buffer.from('definitely not a snapshot'), bytes.subarray(0, bytes.length - 8)];
    for (const attempt of attempts) {
      expect(() => SimilarIssueIndex.fromSnapshot(attempt)).toThrowError(SbError);
      try {
        SimilarIssueIndex.fromSnapshot(attempt);
      } catch (error) {
        expect((error as SbError).code).toBe('SIMILAR_SNAPSHOT_INVALID');
      }
    }
  });
});
