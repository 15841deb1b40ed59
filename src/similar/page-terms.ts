import type { IssueText } from '../classify/types.js';
import { grown } from './grown.js';
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
  // Per vocabulary entry: the last issue that used it (counting from 1, so 0 is none), and where that issue's count sits in `pairs`.
  private lastIssue = new Int32Array(1024);
  private pairAt = new Int32Array(1024);
  private issuesCounted = 0;

  count(texts: readonly IssueText[]): PageTerms {
    const newWords: string[] = [];
    const pairs: number[] = [];
    const offsets = new Uint32Array(texts.length + 1);
    for (let i = 0; i < texts.length; i++) {
      const issue = ++this.issuesCounted;
      for (const term of issueTerms(texts[i])) {
        let index = this.vocabularyIndex.get(term);
        if (index === undefined) {
          index = this.vocabularyIndex.size;
          this.vocabularyIndex.set(term, index);
          newWords.push(term);
          this.lastIssue = grown(this.lastIssue, index + 1);
          this.pairAt = grown(this.pairAt, index + 1);
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
}
