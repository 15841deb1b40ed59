import type { IssueComment, IssueTracker, RepoRef } from '../github/issue-tracker.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { DecisionRecord } from '../store/types.js';
import { isReplyTo } from './render-reply.js';

export interface PostReplyDeps {
  store: Pick<Store, 'claimReply' | 'markReplied' | 'setReplyState'>;
  now(): Date;
}

/**
 * Posts the reply at most once per issue: a database claim stops a second worker, delivery or
 * dashboard approval, and the hidden marker in the issue's comments stops a retry after a crash
 * between posting and recording. Shared by the worker and the dashboard's review approval.
 */
export async function postReplyOnce(deps: PostReplyDeps, tracker: IssueTracker, repoRef: RepoRef, record: DecisionRecord, body: string, log: Logger): Promise<boolean> {
  if (record.mode === 'dry-run') {
    await tracker.createComment(repoRef, record.issueNumber, body);
    await deps.store.setReplyState(record.id, 'dry-run', body);
    return false;
  }
  if (!(await deps.store.claimReply(record.id, record.deliveryId))) {
    log.info('another delivery holds the reply for this issue: not posting');
    return false;
  }
  const comments = await tracker.listComments(repoRef, record.issueNumber);
  const earlier: IssueComment | undefined = comments.find((comment) => isReplyTo(comment.body, record.repo, record.issueNumber));
  const comment = earlier ?? (await tracker.createComment(repoRef, record.issueNumber, body));
  if (earlier) log.warn({ commentId: earlier.id }, 'the reply was already posted (an earlier try died before recording it): not posting again');
  await deps.store.markReplied(record.id, { commentId: comment.id, url: comment.htmlUrl, body: comment.body, at: deps.now().toISOString() });
  return !earlier;
}
