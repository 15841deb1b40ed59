/** One held-out prediction to score: the gold topics (primary first) and what the bot said. */
export interface ScoredPrediction {
  gold: string[];
  /** Every topic, best first. */
  ranking: string[];
  /** True when the bot applied no topic label (low confidence or the abstain topic won). */
  abstain: boolean;
  /** The classifier's confidence in its top topic, when it has one. */
  confidence?: number;
}

export interface TopicMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvaluationReport {
  /** The top topic is among the gold topics (predicting the abstain topic = abstaining). */
  accuracy: number;
  macroF1: number;
  /** A gold topic is among the top three. */
  top3: number;
  abstentionRate: number;
  /** Accuracy on the issues the bot labelled. */
  selectiveAccuracy: number;
  perTopic: Record<string, TopicMetrics>;
  /** confusion[gold][predicted], gold resolved to the predicted topic when that was among the gold topics. */
  confusion: Record<string, Record<string, number>>;
  count: number;
}

/**
 * Scores predictions the way the issue asks: a prediction is right when its topic is among the
 * gold topics, and a gold abstain topic is right when the bot abstains. Per-topic figures
 * resolve a multi-topic gold to the predicted topic when it is one of them, else to the primary.
 */
export function evaluatePredictions(predictions: ScoredPrediction[], topics: string[], abstainTopic: string): EvaluationReport {
  const confusion = new Map<string, Map<string, number>>(topics.map((gold) => [gold, new Map(topics.map((p) => [p, 0]))]));
  let right = 0;
  let top3 = 0;
  let abstained = 0;
  let labelled = 0;
  let labelledRight = 0;
  for (const prediction of predictions) {
    const predicted = prediction.ranking[0];
    const correct = prediction.gold.includes(predicted);
    if (correct) right++;
    if (prediction.ranking.slice(0, 3).some((topic) => prediction.gold.includes(topic))) top3++;
    const abstains = prediction.abstain || predicted === abstainTopic;
    if (abstains) abstained++;
    else {
      labelled++;
      if (correct) labelledRight++;
    }
    const gold = correct ? predicted : prediction.gold[0];
    const row = confusion.get(gold);
    if (row) row.set(predicted, (row.get(predicted) ?? 0) + 1);
  }
  const perTopic: Record<string, TopicMetrics> = {};
  for (const topic of topics) {
    const truePositives = confusion.get(topic)?.get(topic) ?? 0;
    const support = [...(confusion.get(topic)?.values() ?? [])].reduce((a, b) => a + b, 0);
    const predictedCount = topics.reduce((sum, gold) => sum + (confusion.get(gold)?.get(topic) ?? 0), 0);
    const precision = predictedCount === 0 ? 0 : truePositives / predictedCount;
    const recall = support === 0 ? 0 : truePositives / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perTopic[topic] = { precision, recall, f1, support };
  }
  const withSupport = topics.filter((topic) => perTopic[topic].support > 0);
  const count = predictions.length || 1;
  return {
    accuracy: right / count,
    macroF1: withSupport.reduce((sum, topic) => sum + perTopic[topic].f1, 0) / (withSupport.length || 1),
    top3: top3 / count,
    abstentionRate: abstained / count,
    selectiveAccuracy: labelled === 0 ? 0 : labelledRight / labelled,
    perTopic,
    confusion: Object.fromEntries(topics.map((gold) => [gold, Object.fromEntries(confusion.get(gold) ?? [])])),
    count: predictions.length,
  };
}

/** Selective accuracy when the bot labels only its most confident predictions, leaving `abstention` of all issues. */
export interface RiskCoveragePoint {
  abstention: number;
  selectiveAccuracy: number;
  labelled: number;
}

/**
 * The risk–coverage curve of held-out predictions: at each abstention level, the accuracy of the
 * most confident predictions that fill the rest (the abstain topic ranked first always abstains).
 * Descriptive: the cut-off is chosen on the predictions it scores, so it is the ceiling of one
 * global confidence threshold, not an operating point the bot could have chosen in advance.
 */
export function riskCoverage(predictions: ScoredPrediction[], abstainTopic: string, abstentions: number[]): RiskCoveragePoint[] {
  const candidates = predictions
    .filter((prediction) => prediction.ranking[0] !== abstainTopic)
    .sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0));
  const rightSoFar: number[] = [0];
  for (const prediction of candidates) rightSoFar.push(rightSoFar[rightSoFar.length - 1] + (prediction.gold.includes(prediction.ranking[0]) ? 1 : 0));
  return abstentions.map((abstention) => {
    const labelled = Math.min(candidates.length, Math.floor(predictions.length * (1 - abstention) + 1e-9));
    return {
      abstention: 1 - labelled / (predictions.length || 1),
      selectiveAccuracy: labelled === 0 ? 0 : rightSoFar[labelled] / labelled,
      labelled,
    };
  });
}
