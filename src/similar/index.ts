export { SimilarIssueIndex, issueTerms, DEFAULT_SIMILAR_LIMIT, type SimilarQueryOptions } from './similar-issue-index.js';
export { rebuildFromStore } from './rebuild.js';
export { DEFAULT_SIMILARITY_FLOOR } from './default-floor.js';
export { measureSimilarityFloor, type FloorMeasurement } from './measure-floor.js';
export { loadSimilarIndex, saveSimilarIndex, type LoadedSimilarIndex } from './snapshot-file.js';
export { followIssueChanges, type IssueChangeFollower } from './follow-changes.js';
