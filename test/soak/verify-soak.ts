import type { ExpectedOutcome } from './expected-outcome.js';

/** What the soak saw of one issue at the end of the run. */
export interface IssueObservation {
  number: number;
  expected: ExpectedOutcome;
  /** Labels on the issue on the fake GitHub. */
  labels: string[];
  /** Ids of the bot's comments that carry the reply marker. */
  replyCommentIds: number[];
  /** Successful reply POSTs the fake answered for this issue (a reply deleted and posted again still counts twice). */
  replyPosts: number;
  decision: { replyState: string; replyCommentId: number | null } | null;
}

export interface SoakObservations {
  sentDeliveryIds: ReadonlySet<string>;
  storedDeliveryIds: ReadonlySet<string>;
  issues: IssueObservation[];
  jobs: { pending: number; failed: number };
  /** Requests the fake GitHub found off-spec. */
  violations: string[];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** Every way the run broke the promises of the deployment; empty when it kept them all. Pure. */
export function verifySoak(observations: SoakObservations): string[] {
  const problems: string[] = [];
  const missing = [...observations.sentDeliveryIds].filter((id) => !observations.storedDeliveryIds.has(id));
  if (missing.length > 0) problems.push(`${missing.length} deliveries missing from the store (first: ${missing.slice(0, 5).join(', ')})`);
  if (observations.jobs.pending > 0) problems.push(`${observations.jobs.pending} jobs still queued or running at the end`);
  if (observations.jobs.failed > 0) problems.push(`${observations.jobs.failed} jobs failed for good`);
  for (const violation of observations.violations.slice(0, 5)) problems.push(`off-spec GitHub request: ${violation}`);

  for (const issue of observations.issues) {
    const where = `issue #${issue.number}`;
    if (issue.replyCommentIds.length > 1) problems.push(`${where}: ${issue.replyCommentIds.length} replies`);
    if (issue.replyPosts > 1) problems.push(`${where}: the reply was posted ${issue.replyPosts} times`);
    if (!issue.decision) {
      problems.push(`${where}: no decision recorded`);
      continue;
    }
    if (!sameSet(issue.labels, issue.expected.labels)) {
      problems.push(`${where}: labels [${issue.labels.join(', ')}], expected [${issue.expected.labels.join(', ')}]`);
    }
    const posted = issue.decision.replyState === 'posted';
    if (issue.expected.replyDue && !posted) problems.push(`${where}: a reply was due but the decision says ${issue.decision.replyState}`);
    if (posted && issue.replyCommentIds.length !== 1) problems.push(`${where}: recorded as replied but GitHub shows ${issue.replyCommentIds.length} replies`);
    if (!posted && issue.replyCommentIds.length > 0) problems.push(`${where}: GitHub shows a reply the store does not know about`);
    if (posted && issue.replyCommentIds.length === 1 && issue.decision.replyCommentId !== issue.replyCommentIds[0]) {
      problems.push(`${where}: the store points at comment ${issue.decision.replyCommentId}, GitHub's reply is ${issue.replyCommentIds[0]}`);
    }
  }
  return problems;
}
