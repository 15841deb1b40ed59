import { neutralizeMentions } from '../triage/mentions.js';
import { postReplyOnce } from '../triage/post-reply-once.js';
import { isReplyTo, replyMarker } from '../triage/render-reply.js';
import type { DecisionRecord } from '../store/types.js';
import { repoRefOf, type IssueWriteDeps } from './correct-topic.js';

/**
 * Review mode: replies wait on the dashboard until a maintainer approves (as written or edited)
 * or declines them. Approval posts through the same claim-and-marker path as the worker, so a
 * double click, two maintainers or a worker retry still give one reply.
 */
export type ReviewOutcome = { kind: 'posted' | 'already-posted' | 'declined' | 'not-pending' | 'dry-run' };

/**
 * An edited reply is held to the bot's rules: it pings nobody and carries this issue's marker
 * (another issue's marker, pasted with its text, would not let a retry find the posted reply).
 */
export function prepareEditedReply(text: string, repo: string, issueNumber: number): string {
  const body = neutralizeMentions(text.replace(/\r\n/g, '\n').trim());
  return isReplyTo(body, repo, issueNumber) ? `${body}\n` : `${body}\n\n${replyMarker(repo, issueNumber)}\n`;
}

export async function approveReply(deps: IssueWriteDeps, input: { decision: DecisionRecord; editedBody?: string; actor: string }): Promise<ReviewOutcome> {
  const { decision } = input;
  if (decision.replyState !== 'pending-review' || decision.replyBody === null) return { kind: 'not-pending' };
  if (!deps.tracker) return { kind: 'dry-run' };
  const body = input.editedBody?.trim() ? prepareEditedReply(input.editedBody, decision.repo, decision.issueNumber) : decision.replyBody;
  if (body !== decision.replyBody) await deps.store.setReplyState(decision.id, 'pending-review', body);
  const log = deps.logger.child({ repo: decision.repo, issue: decision.issueNumber, decisionId: decision.id, actor: input.actor });
  const posted = await postReplyOnce(deps, deps.tracker, await repoRefOf(deps, decision), decision, body, log);
  log.info({ posted, edited: body !== decision.replyBody }, 'maintainer approved the reply');
  return { kind: posted ? 'posted' : 'already-posted' };
}

export async function declineReply(deps: Pick<IssueWriteDeps, 'store' | 'logger'>, input: { decision: DecisionRecord; actor: string }): Promise<ReviewOutcome> {
  if (input.decision.replyState !== 'pending-review') return { kind: 'not-pending' };
  await deps.store.setReplyState(input.decision.id, 'declined');
  deps.logger.info({ repo: input.decision.repo, issue: input.decision.issueNumber, actor: input.actor }, 'maintainer declined the reply');
  return { kind: 'declined' };
}
