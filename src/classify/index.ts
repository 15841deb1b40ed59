/** The classifier and knowledge base: the folder's public entry. */
export { classify } from './classify.js';
export { rankResources, type RankedResource } from './rank-resources.js';
export { loadKnowledgeBase, loadKnowledgeBaseDefinition, KnowledgeBaseError } from './knowledge-base.js';
export { readExamples, parseExamples, defaultCorpusFiles } from './corpus.js';
export { trainModel, defaultTrainOptions, type TrainOptions, type TrainingKnowledge } from './train.js';
export { tokenize } from './tokenize.js';
export type * from './types.js';
