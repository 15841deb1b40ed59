import type { Example } from '../classify/types.js';
import type { CorrectionRecord, StoredIssue } from '../store/types.js';

/**
 * What maintainers' corrections teach: the issues they re-labelled, with the topic they chose,
 * merged into the labelled corpus. Pure.
 */

/** The topic each corrected issue ended with: its latest correction wins. */
export function finalCorrections(corrections: CorrectionRecord[]): Map<string, CorrectionRecord> {
  const latest = new Map<string, CorrectionRecord>();
  const ordered = [...corrections].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
  for (const correction of ordered) latest.set(issueKey(correction.repo, correction.issueNumber), correction);
  return latest;
}

export function issueKey(repo: string, issueNumber: number): string {
  return `${repo}#${issueNumber}`;
}

/**
 * Corrected issues as examples. A label removed without a replacement says only "not that
 * topic", not which one is right, so it teaches nothing a single-label model can learn from.
 */
export function correctedExamples(corrections: CorrectionRecord[], issues: Map<string, StoredIssue>, knownTopics: readonly string[]): Example[] {
  const examples: Example[] = [];
  for (const [key, correction] of finalCorrections(corrections)) {
    const issue = issues.get(key);
    if (!issue || correction.toTopic === null || !knownTopics.includes(correction.toTopic)) continue;
    examples.push({ id: key, title: issue.title, body: issue.body, topics: [correction.toTopic] });
  }
  return examples;
}

/** Two titles that differ only in case, spacing or punctuation are the same question. */
export function sameQuestion(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The corpus plus corrected issues; where a corrected issue is also in the corpus, the maintainer's label wins. */
export function mergeTrainingSet(corpus: Example[], corrected: Example[]): Example[] {
  const correctedTitles = new Set(corrected.map((example) => sameQuestion(example.title)));
  return [...corpus.filter((example) => !correctedTitles.has(sameQuestion(example.title))), ...corrected];
}
