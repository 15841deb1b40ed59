import type { EvaluationReport } from '../classify/evaluate.js';

/** The cross-validated figures stored with each model version. */
export interface ModelFigures {
  accuracy: number;
  macroF1: number;
  top3: number;
  abstentionRate: number;
  selectiveAccuracy: number;
  /** Examples the figures were measured on, and how many came from maintainers' corrections. */
  examples: number;
  corrections: number;
  folds: number;
}

export function figuresOf(report: EvaluationReport, details: { corrections: number; folds: number }): ModelFigures {
  const { accuracy, macroF1, top3, abstentionRate, selectiveAccuracy, count } = report;
  return { accuracy, macroF1, top3, abstentionRate, selectiveAccuracy, examples: count, ...details };
}

/** Reads figures back from a stored version's metrics; null when they are not ours (or absent). */
export function storedFigures(metrics: Record<string, unknown>): ModelFigures | null {
  const numbers = ['accuracy', 'macroF1', 'top3', 'abstentionRate', 'selectiveAccuracy', 'examples', 'corrections', 'folds'] as const;
  if (!numbers.every((key) => typeof metrics[key] === 'number' && Number.isFinite(metrics[key]))) return null;
  return Object.fromEntries(numbers.map((key) => [key, metrics[key] as number])) as unknown as ModelFigures;
}

/**
 * A retrained model replaces the current one only if it is not worse on held-out folds. Macro-F1
 * is the measure: it weighs thin topics as much as the big ones, which corrections mostly fix.
 */
export function shouldPromote(candidate: ModelFigures, current: ModelFigures | null): boolean {
  return current === null || candidate.macroF1 >= current.macroF1;
}
