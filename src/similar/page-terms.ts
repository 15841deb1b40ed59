import type { IssueText } from '../classify/types.js';
import { issueTerms } from './similar-issue-index.js';

/** Separates the words of `PageTerms.newWords`: the tokenizer never emits it. */
export const vocabularySeparator = '\0';

/**
 * A page of issues, tokenized and counted against a vocabulary that grows page by page: per issue
 * its `[vocabularyIndex, count, …]` pairs at `counts[offsets[i]] … counts[offsets[i + 1]]`, and the
 * words this page added to the vocabulary, in index order. Typed arrays and one string cross a
 * thread boundary far faster than millions of small strings, and each word crosses once.
 */
export interface PageTerms {
  newWords: string;
  offsets: Uint32Array<ArrayBuffer>;
  counts: Uint32Array<ArrayBuffer>;
}

/** Counts pages of issues; the pages of one counter must be read in the order it counted them. */
export class PageTermCounter {
  private readonly vocabularyIndex = new Map<string, number>();
  // Per vocabulary entry: the last issue that used it, and where that issue's count sits in `pairs`.
  private lastIssue = new Int32Array(1024).fill(-1);
  private pairAt = new Int32Array(1024);
  private issuesCounted = 0;

  count(texts: readonly IssueText[]): PageTerms {
    const newWords: string[] = [];
    const pairs: number[] = [];
    const offsets = new Uint32Array(texts.length + 1);
    for (let i = 0; i < texts.length; i++) {
      const issue = this.issuesCounted++;
      for (const term of issueTerms(texts[i])) {
        let index = this.vocabularyIndex.get(term);
        if (index === undefined) {
          index = this.vocabularyIndex.size;
          this.vocabularyIndex.set(term, index);
          newWords.push(term);
          this.grow(index + 1);
        }
        if (this.lastIssue[index] === issue) {
          pairs[this.pairAt[index]]++;
        } else {
          this.lastIssue[index] = issue;
          this.pairAt[index] = pairs.length + 1;
          pairs.push(index, 1);
        }
      }
      offsets[i + 1] = pairs.length;
    }
    return { newWords: newWords.join(vocabularySeparator), offsets, counts: Uint32Array.from(pairs) };
  }

  private grow(size: number): void {
    if (size <= this.lastIssue.length) return;
    const lastIssue = new Int32Array(this.lastIssue.length * 2).fill(-1);
    lastIssue.set(this.lastIssue);
    const pairAt = new Int32Array(this.pairAt.length * 2);
    pairAt.set(this.pairAt);
    this.lastIssue = lastIssue;
    this.pairAt = pairAt;
  }
}
