/**
 * The cosine similarity an earlier issue must reach to be suggested, from
 * `measureSimilarityFloor` on all 343 labelled questions and issues of `../shared/corpus`
 * (312 usable same-problem pairs, 61,177 word-sharing pairs across topics): the cut at 0.363
 * keeps precision at 0.90 with recall 0.32; counting every same-topic pair of two different
 * questions as wrong, precision is still 0.65. Rounded up: a missed suggestion costs less than
 * a wrong one. `test/similar/measure-floor.test.ts` re-measures it when the corpus is present.
 */
export const DEFAULT_SIMILARITY_FLOOR = 0.37;
