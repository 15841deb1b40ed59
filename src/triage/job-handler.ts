import { SbError } from '../errors.js';
import type { Job, JobHandler } from '../queue/job-queue.js';
import { parseIssueEventJob } from './events.js';
import { handleIssueEvent, type EventOutcome, type TriageDeps } from './handle-issue-event.js';

/** Adapts the queue's jobs to the use case: validates the payload, runs it, reports the outcome. */
export function createIssueEventHandler(deps: TriageDeps, onOutcome?: (outcome: EventOutcome, job: Job) => void): JobHandler {
  return async (job) => {
    const event = parseIssueEventJob(job.payload);
    if (!event) throw new SbError('JOB_PAYLOAD_INVALID', `job ${job.id}`);
    // The web process records the delivery after enqueuing; if it died in between, record it here.
    await deps.store.recordDelivery({
      deliveryId: event.deliveryId,
      event: 'issues',
      action: event.action,
      repo: event.repo.fullName,
      issueNumber: event.issue.number,
      receivedAt: event.receivedAt,
      status: 'queued',
      reason: null,
    });
    const outcome = await handleIssueEvent(deps, event);
    onOutcome?.(outcome, job);
  };
}
