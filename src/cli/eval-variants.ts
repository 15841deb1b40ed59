import { defaultTrainOptions, type TrainOptions } from '../classify/index.js';

const plainFeatures = {
  titleWeight: 1,
  bigrams: false,
  sublinearTf: false,
  tokenize: { splitIdentifiers: false, errorCodes: false, cjk: true },
};

/**
 * The model variants `supportbot eval --compare` measures on the same folds, each one step from
 * the previous, ending at the shipped defaults and its alternatives. classifiers/README.md records the figures.
 */
export const modelVariants: Array<{ name: string; options: Partial<TrainOptions> }> = [
  { name: 'svm: plain tokens, raw tf (LinearSVC-like)', options: { features: plainFeatures, priors: false } },
  { name: '+ sublinear tf', options: { features: { ...plainFeatures, sublinearTf: true }, priors: false } },
  { name: '+ title weight 2', options: { features: { ...plainFeatures, sublinearTf: true, titleWeight: 2 }, priors: false } },
  {
    name: '+ API-symbol split, error codes',
    options: { features: { ...defaultTrainOptions.features, bigrams: false }, priors: false },
  },
  { name: '+ word bigrams', options: { features: defaultTrainOptions.features, priors: false } },
  { name: '+ topic and resource priors (shipped)', options: {} },
  { name: 'shipped, title weight 3', options: { features: { ...defaultTrainOptions.features, titleWeight: 3 } } },
  { name: 'shipped, balanced class weights', options: { balanced: true } },
  { name: 'shipped, C = 0.5', options: { C: 0.5 } },
  { name: 'shipped, C = 2', options: { C: 2 } },
  { name: 'shipped, both gold topics positive (multi-label)', options: { multiLabel: true } },
  { name: 'shipped, off-topic documents weigh 2 in the SVM', options: { abstainWeight: 2 } },
  { name: 'shipped, per-topic thresholds smoothed toward the pool, z = 0 (previous)', options: { thresholdScope: 'per-topic', precisionZ: 0 } },
  { name: 'shipped, thresholds from each topic alone, z = 0', options: { thresholdScope: 'per-topic', thresholdSmoothing: 0, precisionZ: 0 } },
  { name: 'shipped, per-topic smoothed thresholds, z = 1', options: { thresholdScope: 'per-topic', precisionZ: 1 } },
  { name: 'shipped, target precision 0.97, z = 0', options: { precisionZ: 0, targetPrecision: 0.97 } },
  { name: 'shipped, one pooled threshold, z = 0', options: { precisionZ: 0 } },
  { name: 'shipped, z = 0.5', options: { precisionZ: 0.5 } },
  { name: 'shipped, z = 1', options: { precisionZ: 1 } },
  { name: 'shipped, z = 1.25', options: { precisionZ: 1.25 } },
  { name: 'shipped, z = 2', options: { precisionZ: 2 } },
  { name: 'shipped, off-topic gate on P(other) chosen jointly', options: { offTopicGate: true } },
  { name: 'shipped, off-topic gate, z = 0', options: { offTopicGate: true, precisionZ: 0 } },
  { name: 'shipped features, Rocchio centroids', options: { learner: 'centroid' } },
  { name: 'shipped features, multinomial logistic regression', options: { learner: 'logistic', C: 10 } },
];
