import type { IssueText } from '../classify/types.js';
import { issueTerms } from './similar-issue-index.js';

/** Separates the words of `PageTerms.vocabulary`: the tokenizer never emits it. */
export const vocabularySeparator = '\0';

/**
 * A page of issues, tokenized and counted: one vocabulary for the page, and per issue its
 * `[vocabularyIndex, count, …]` pairs at `counts[offsets[i]] … counts[offsets[i + 1]]`. Typed
 * arrays and one string cross a thread boundary far faster than millions of small strings.
 */
export interface PageTerms {
  vocabulary: string;
  offsets: Uint32Array<ArrayBuffer>;
  counts: Uint32Array<ArrayBuffer>;
}

export function pageTerms(texts: readonly IssueText[]): PageTerms {
  const vocabularyIndex = new Map<string, number>();
  const words: string[] = [];
  const pairs: number[] = [];
  const offsets = new Uint32Array(texts.length + 1);
  // Per vocabulary entry: the last issue that used it, and where that issue's count sits in `pairs`.
  const lastIssue: number[] = [];
  const pairAt: number[] = [];
  for (let i = 0; i < texts.length; i++) {
    for (const term of issueTerms(texts[i])) {
      let index = vocabularyIndex.get(term);
      if (index === undefined) {
        index = words.length;
        vocabularyIndex.set(term, index);
        words.push(term);
        lastIssue.push(-1);
        pairAt.push(0);
      }
      if (lastIssue[index] === i) {
        pairs[pairAt[index]]++;
      } else {
        lastIssue[index] = i;
        pairAt[index] = pairs.length + 1;
        pairs.push(index, 1);
      }
    }
    offsets[i + 1] = pairs.length;
  }
  return { vocabulary: words.join(vocabularySeparator), offsets, counts: Uint32Array.from(pairs) };
}
