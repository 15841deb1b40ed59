import { z } from 'zod';
import { SbError } from '../errors.js';
import type { IndexedIssue, TermCounts } from './repo-term-index.js';

/**
 * Binary snapshot of the similar-issue index: term statistics only, never issue bodies.
 *
 * Layout: `SBSI`, u32 format version, u32 header length, the header as UTF-8 JSON (repositories,
 * their term dictionaries and issue metadata), zero padding to a 4-byte boundary, then one
 * little-endian u32 array holding, per issue in header order, `pairCount, termId, count, …`.
 * Loading reads the counts as views into that array, so nothing is tokenized again.
 */

export interface RepoSnapshot {
  repo: string;
  terms: string[];
  issues: IndexedIssue[];
  counts: TermCounts[];
}

const magic = 0x49534253; // "SBSI" read as a little-endian u32
const formatVersion = 1;
const answeredFlag = 1;
const privateFlag = 2;

const headerSchema = z.object({
  repos: z.array(
    z.object({
      repo: z.string(),
      terms: z.array(z.string()),
      issues: z.array(z.tuple([z.number().int(), z.string(), z.string(), z.number().int()])),
    }),
  ),
});

function invalid(detail: string): SbError {
  return new SbError('SIMILAR_SNAPSHOT_INVALID', detail);
}

export function encodeSnapshot(repos: readonly RepoSnapshot[]): Uint8Array {
  const header = {
    repos: repos.map((r) => ({
      repo: r.repo,
      terms: r.terms,
      issues: r.issues.map((i) => [i.number, i.title, i.url, (i.answered ? answeredFlag : 0) | (i.isPrivate ? privateFlag : 0)]),
    })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const bodyStart = 12 + Math.ceil(headerBytes.length / 4) * 4;
  let bodyWords = 0;
  for (const r of repos) for (const counts of r.counts) bodyWords += 1 + counts.length;

  const bytes = new Uint8Array(bodyStart + bodyWords * 4);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, true);
  view.setUint32(4, formatVersion, true);
  view.setUint32(8, headerBytes.length, true);
  bytes.set(headerBytes, 12);
  let offset = bodyStart;
  for (const r of repos) {
    for (const counts of r.counts) {
      view.setUint32(offset, counts.length / 2, true);
      offset += 4;
      for (let i = 0; i < counts.length; i++, offset += 4) view.setUint32(offset, counts[i], true);
    }
  }
  return bytes;
}

export function decodeSnapshot(bytes: Uint8Array): RepoSnapshot[] {
  if (bytes.length < 12) throw invalid('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== magic) throw invalid('not a snapshot');
  const version = view.getUint32(4, true);
  if (version !== formatVersion) throw invalid(`format version ${version}, expected ${formatVersion}`);
  const headerLength = view.getUint32(8, true);
  const bodyStart = 12 + Math.ceil(headerLength / 4) * 4;
  if (bodyStart > bytes.length || (bytes.length - bodyStart) % 4 !== 0) throw invalid('truncated');

  let header: z.infer<typeof headerSchema>;
  try {
    header = headerSchema.parse(JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 12, headerLength).toString('utf8')));
  } catch (error) {
    throw invalid(`bad header (${(error as Error).message.slice(0, 200)})`);
  }

  const body = readBody(bytes, bodyStart);
  let offset = 0;
  return header.repos.map((r) => {
    const counts: TermCounts[] = [];
    for (let i = 0; i < r.issues.length; i++) {
      if (offset >= body.length) throw invalid('truncated body');
      const pairs = body[offset++];
      const end = offset + pairs * 2;
      if (end > body.length) throw invalid('truncated body');
      const issueCounts = body.subarray(offset, end);
      for (let j = 0; j < issueCounts.length; j += 2) {
        if (issueCounts[j] >= r.terms.length) throw invalid(`term id out of range in ${r.repo}`);
      }
      counts.push(issueCounts);
      offset = end;
    }
    const issues = r.issues.map(([number, title, url, flags]) => ({
      number,
      title,
      url,
      answered: (flags & answeredFlag) !== 0,
      isPrivate: (flags & privateFlag) !== 0,
    }));
    return { repo: r.repo, terms: r.terms, issues, counts };
  });
}

/** The body as u32 words, copied only when the bytes are misaligned or the host is big-endian. */
function readBody(bytes: Uint8Array, bodyStart: number): Uint32Array {
  const words = (bytes.length - bodyStart) / 4;
  const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  if (littleEndianHost && (bytes.byteOffset + bodyStart) % 4 === 0) {
    return new Uint32Array(bytes.buffer, bytes.byteOffset + bodyStart, words);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + bodyStart, words * 4);
  const body = new Uint32Array(words);
  for (let i = 0; i < words; i++) body[i] = view.getUint32(i * 4, true);
  return body;
}
