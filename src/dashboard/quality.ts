import type { DecisionRecord } from '../store/types.js';

/**
 * The Quality page's figures, computed from decisions and the corrections folded into them.
 * Pure: the caller reads the store and passes the rows in.
 *
 * A bot label counts as right until a maintainer corrects it: corrections are the only ground
 * truth the service ever sees, so "precision" here means "share of labels nobody corrected".
 */
export const abstainedRow = 'abstained';
export const removedColumn = 'no topic';

export type QualityDecision = Pick<DecisionRecord, 'topic' | 'abstained' | 'decidedAt' | 'correctedTopic'>;

export interface TopicQuality {
  topic: string;
  /** Issues the bot labelled with this topic. */
  labelled: number;
  /** Of those, how many a maintainer moved to another topic or stripped of the label. */
  correctedAway: number;
  /** (labelled - correctedAway) / labelled; null when the bot never chose the topic. */
  precision: number | null;
  /** Issues a maintainer moved into this topic that the bot labelled otherwise or abstained on. */
  missed: number;
}

export interface ConfusionMatrix {
  /** The bot's label: each topic, then `abstained`. */
  rows: string[];
  /** The label after corrections: each topic, then `no topic` (label removed without a replacement). */
  columns: string[];
  counts: number[][];
}

export interface VolumeSeries {
  days: string[];
  series: Array<{ topic: string; counts: number[] }>;
}

export interface QualityReport {
  total: number;
  abstained: number;
  abstentionRate: number;
  corrected: number;
  /** Labelled issues nobody corrected, over all labelled issues; null with no labelled issue. */
  overallPrecision: number | null;
  perTopic: TopicQuality[];
  confusion: ConfusionMatrix;
  volume: VolumeSeries;
}

/** The bot's own verdict on an issue: a topic slug, or `abstained`. */
function botLabelOf(decision: QualityDecision): string {
  return decision.abstained || decision.topic === null ? abstainedRow : decision.topic;
}

/** Where the issue stands after corrections: the corrected topic, `no topic`, or the bot's verdict. */
function finalLabelOf(decision: QualityDecision): string {
  if (decision.correctedTopic === undefined) return botLabelOf(decision);
  return decision.correctedTopic ?? removedColumn;
}

function isCorrected(decision: QualityDecision): boolean {
  return decision.correctedTopic !== undefined && finalLabelOf(decision) !== botLabelOf(decision);
}

/** Every UTC day from `from` to `to` inclusive, as YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to.slice(0, 10)}T00:00:00Z`);
  for (let day = Date.parse(`${from.slice(0, 10)}T00:00:00Z`); day <= end; day += 86_400_000) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}

export function computeQuality(input: { decisions: QualityDecision[]; topics: string[]; from: string; to: string }): QualityReport {
  const { decisions, topics } = input;
  const rows = [...topics, abstainedRow];
  const columns = [...topics, removedColumn];
  const counts = rows.map(() => columns.map(() => 0));
  const rowIndex = new Map(rows.map((row, index) => [row, index]));
  const columnIndex = new Map(columns.map((column, index) => [column, index]));

  const days = daysBetween(input.from, input.to);
  const dayIndex = new Map(days.map((day, index) => [day, index]));
  const volume = new Map(rows.map((row) => [row, days.map(() => 0)]));

  let abstained = 0;
  let corrected = 0;
  for (const decision of decisions) {
    const bot = botLabelOf(decision);
    const final = finalLabelOf(decision);
    if (bot === abstainedRow) abstained++;
    if (isCorrected(decision)) corrected++;
    const row = rowIndex.get(bot);
    // A topic the knowledge base no longer defines has no row; the other figures still count it.
    const column = columnIndex.get(final === abstainedRow ? removedColumn : final);
    if (row !== undefined && column !== undefined) counts[row][column]++;
    const day = dayIndex.get(decision.decidedAt.slice(0, 10));
    const series = volume.get(bot);
    if (day !== undefined && series) series[day]++;
  }

  const perTopic = topics.map((topic): TopicQuality => {
    const ofTopic = decisions.filter((decision) => botLabelOf(decision) === topic);
    const correctedAway = ofTopic.filter(isCorrected).length;
    const missed = decisions.filter((decision) => isCorrected(decision) && finalLabelOf(decision) === topic).length;
    return {
      topic,
      labelled: ofTopic.length,
      correctedAway,
      precision: ofTopic.length === 0 ? null : (ofTopic.length - correctedAway) / ofTopic.length,
      missed,
    };
  });
  const labelled = decisions.length - abstained;
  const labelledCorrected = decisions.filter((decision) => botLabelOf(decision) !== abstainedRow && isCorrected(decision)).length;

  return {
    total: decisions.length,
    abstained,
    abstentionRate: decisions.length === 0 ? 0 : abstained / decisions.length,
    corrected,
    overallPrecision: labelled === 0 ? null : (labelled - labelledCorrected) / labelled,
    perTopic,
    confusion: { rows, columns, counts },
    volume: { days, series: rows.map((topic) => ({ topic, counts: volume.get(topic) ?? [] })) },
  };
}
