import { describe, expect, it } from 'vitest';
import { hasReplyMarker } from '../../src/triage/render-reply.js';
import { pgBinDir, pgMissingMessage } from '../support/pg-cluster.js';
import { sharedDir, sharedMissingMessage } from '../support/shared-dir.js';
import { waitFor } from '../support/webhook-client.js';
import { soakIssueTexts } from '../soak/issue-texts.js';
import { counterByLabel, runSoak, type SoakContext } from '../soak/soak-run.js';

const hasPostgres = pgBinDir() !== null;
if (!hasPostgres) console.warn(pgMissingMessage);
if (!sharedDir()) console.warn(`${sharedMissingMessage}; the multi-worker run uses the few issue texts written for the soak`);

const replyRoute = '/repos/{owner}/{repo}/issues/{issue_number}/comments';

/** Issues opened for the drain check, written for this test. */
const drainTexts = [
  { title: 'NWConnection to a TCP server stays in preparing', body: 'On iOS 17.5 an NWConnection with .tcp to our server never leaves the preparing state; no error is reported and the same host works from Safari.' },
  { title: 'URLSession upload task fails with -1005', body: 'An upload task on URLSession.shared fails with NSURLErrorNetworkConnectionLost (-1005) about half the time on iOS 18.0 when the body is larger than 1 MB.' },
  { title: 'VPN profile disappears after an app update', body: 'After updating our app the NETunnelProviderManager configuration is gone from Settings on macOS 14.4 and loadAllFromPreferences returns an empty list.' },
  { title: 'Certificate pinning fails after the server renewed its certificate', body: 'We pin the public key in URLSessionDelegate and since the renewal SecTrustEvaluateWithError fails on iOS 16.4 although the key did not change.' },
];

/** Checks made with the fleet still up: which role does what, and that SIGTERM drains. */
async function checkRolesAndDrain(context: SoakContext): Promise<void> {
  const { web, workers, webUrl, fake, db, store } = context;

  // The web role receives and enqueues only: it triaged nothing and counts no jobs.
  for (const msg of ['triage decision', 'triage skipped', 'job failed']) expect(web.messages.get(msg) ?? 0).toBe(0);
  expect(counterByLabel(await (await fetch(`${webUrl}/metrics`)).text(), 'supportbot_jobs_total', 'outcome')).toEqual({});
  expect(workers.reduce((sum, worker) => sum + (worker.messages.get('triage decision') ?? 0), 0)).toBeGreaterThan(0);
  // The worker role serves no HTTP, although it was given a port.
  for (const worker of workers) {
    expect(worker.port).not.toBeNull();
    await expect(fetch(`http://127.0.0.1:${worker.port}/readyz`)).rejects.toThrow();
  }

  // Each drain issue's reply first meets a secondary rate limit, so its job is mid-flight when SIGTERM arrives.
  const rateLimited = drainTexts.map(() => ({
    method: 'POST',
    pathPattern: replyRoute,
    status: 403,
    headers: { 'retry-after': '2' },
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
  }));
  fake.failNext(...rateLimited);
  let limitedReplies = 0;
  const counting = fake.onRequest;
  fake.onRequest = (request) => {
    counting?.(request);
    if (request.fault === 'scripted') limitedReplies += 1;
  };
  const drainNumbers = drainTexts.map((_, index) => 1001 + index);
  await Promise.all(drainTexts.map((text, index) => context.openIssue(drainNumbers[index], text)));
  await waitFor(() => limitedReplies >= 1, { timeoutMs: 20_000, what: 'a drain job to reach its reply' });
  const { rows: running } = await db.query<{ id: string; retry_count: number }>(
    `SELECT data->>'id' AS id, retry_count FROM pgboss.job WHERE name = 'supportbot-jobs' AND state = 'active'`,
  );
  expect(running.length).toBeGreaterThan(0);

  for (const worker of workers) worker.child.kill('SIGTERM');
  const shuttingDown = 'shutting down: no new deliveries or jobs, finishing running jobs';
  await waitFor(() => workers.every((worker) => worker.messages.has(shuttingDown) || worker.child.exitCode !== null), { what: 'the workers to begin draining' });
  // Sent while the workers drain: no one may take it until a worker starts again.
  const lateId = await context.openIssue(1100, drainTexts[0]);
  expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual(workers.map(() => 0));

  const { rows: after } = await db.query<{ id: string; state: string; retry_count: number }>(
    `SELECT data->>'id' AS id, state::text AS state, retry_count FROM pgboss.job WHERE name = 'supportbot-jobs' AND data->>'id' = ANY($1::text[])`,
    [[...running.map((job) => job.id), lateId]],
  );
  const byId = new Map(after.map((job) => [job.id, job]));
  for (const job of running) expect(byId.get(job.id)).toMatchObject({ state: 'completed', retry_count: job.retry_count });
  expect(byId.get(lateId)?.state).toBe('created');
  for (const number of drainNumbers) {
    const decision = await store.getDecisionForIssue('acme/support', number);
    if (!running.some((job) => job.id === decision?.deliveryId)) continue;
    expect(decision?.replyState).toBe('posted');
    expect(fake.state.comments('acme', 'support', number).filter((comment) => hasReplyMarker(comment.body))).toHaveLength(1);
  }

  // The late job survived the drain: a new worker takes it.
  await context.startWorker('worker-after-drain');
  const late = await waitFor(async () => {
    const decision = await store.getDecisionForIssue('acme/support', 1100);
    return decision?.replyState === 'posted' ? decision : null;
  }, { timeoutMs: 20_000, what: 'a new worker to take the job left queued during the drain' });
  expect(late.deliveryId).toBe(lateId);
}

describe.skipIf(!hasPostgres)('web and worker processes on PostgreSQL, under faults', () => {
  it('keep one reply and the right label per issue through GitHub failures, redeliveries, edits and a SIGKILLed worker; SIGTERM drains', async () => {
    const report = await runSoak({
      workers: 2,
      issues: 60,
      deliveries: 150,
      texts: soakIssueTexts(sharedDir()),
      faults: { rate: 0.1, secondaryRateLimitRate: 0.02, tooManyRequestsRate: 0.01 },
      killWorkerAt: 0.4,
      senders: 4,
      workerConcurrency: 8,
      leaseSeconds: 3,
      hardTimeoutMs: 85_000,
      seed: 3,
      afterRun: checkRolesAndDrain,
    });
    expect(report.problems).toEqual([]);
    const { figures } = report;
    expect(figures.faultsInjected['server-error']).toBeGreaterThan(0);
    expect(figures.githubByStatus['500']).toBe(figures.faultsInjected['server-error']);
    expect(figures.redeliveries).toBeGreaterThan(0);
    expect(figures.edits).toBeGreaterThan(0);
    expect(figures.webDeliveryOutcomes).toEqual({ queued: figures.distinctDeliveries, duplicate: figures.redeliveries });
    expect(figures.repliesPosted).toBeGreaterThan(figures.issues / 2);
  }, 90_000);
});
