import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Webhooks } from '@octokit/webhooks';
import pg from 'pg';
import { loadKnowledgeBase } from '../../src/classify/index.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { hasReplyMarker } from '../../src/triage/render-reply.js';
import { startFakeGitHub, type FakeGitHub, type FaultPlan } from '../support/fake-github/index.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { freePort, waitForHealthy } from '../support/service-process.js';
import { repoRoot } from '../support/shared-dir.js';
import { testEnv, testSecret } from '../support/test-service.js';
import { openedDelivery } from '../support/webhook-client.js';
import { planDeliveries, type PlannedDelivery } from './delivery-plan.js';
import { expectedOutcome } from './expected-outcome.js';
import type { IssueText } from './issue-texts.js';
import { killHard, spawnRole, type RoleProcess } from './service-fleet.js';
import { verifySoak, type IssueObservation } from './verify-soak.js';

export interface SoakOptions {
  workers: number;
  issues: number;
  deliveries: number;
  texts: IssueText[];
  faults: Omit<FaultPlan, 'failNext'>;
  /** SIGKILL the first worker once this share of the deliveries was sent, then start it again. */
  killWorkerAt: number;
  /** Concurrent senders of webhook deliveries. */
  senders: number;
  workerConcurrency: number;
  leaseSeconds: number;
  /** The whole run, start-up and teardown included, is abandoned after this. */
  hardTimeoutMs: number;
  seed?: number;
  /** Runs after the checks, before teardown, with the fleet still up (the test's drain and role checks). */
  afterRun?: (context: SoakContext) => Promise<void>;
  onProgress?: (line: string) => void;
  /** Keep each process's whole log in this folder. */
  logDir?: string;
}

/** What a run's extra checks get to work with. */
export interface SoakContext {
  fake: FakeGitHub;
  web: RoleProcess;
  webUrl: string;
  workers: RoleProcess[];
  /** Starts another worker process with the run's environment. */
  startWorker(name: string): Promise<RoleProcess>;
  store: Store;
  /** Direct SQL on the run's database (pg-boss's tables live in schema `pgboss`). */
  db: pg.Pool;
  /** Signs and posts a new `issues.opened` delivery for a new issue on the fake. */
  openIssue(number: number, text: IssueText): Promise<string>;
}

export interface SoakFigures {
  deliveriesSent: number;
  distinctDeliveries: number;
  redeliveries: number;
  edits: number;
  issues: number;
  repliesPosted: number;
  /** From the first delivery sent to the last job finished. */
  durationMs: number;
  deliveriesPerSecond: number;
  /** Per issue: its first delivery received → its reply posted. */
  deliveryToReplyMs: { p50: number; p99: number; max: number };
  githubRequests: number;
  githubByStatus: Record<string, number>;
  faultsInjected: Record<string, number>;
  /** Tries beyond the first, over all jobs (failed tries and leases taken over from the killed worker). */
  jobRetries: number;
  /** Log lines of the workers about GitHub rate-limit waits and retried jobs. */
  rateLimitWaits: number;
  leaseTakeovers: number;
  webDeliveryOutcomes: Record<string, number>;
}

export interface SoakReport {
  figures: SoakFigures;
  problems: string[];
}

const owner = 'acme';
const repoName = 'support';
const repoFullName = `${owner}/${repoName}`;
const replyRoute = '/repos/{owner}/{repo}/issues/{issue_number}/comments';

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The webhook payload GitHub sends for a delivery of the plan; redeliveries reuse it byte for byte. */
function payloadFor(delivery: PlannedDelivery, text: IssueText): Record<string, any> {
  const payload = openedDelivery({ owner, repo: repoName, number: delivery.issueNumber, ...text, installationId: 1 });
  if (delivery.action === 'edited') {
    payload.action = 'edited';
    payload.changes = { body: { from: `${text.body} (before a typo fix)` } };
  }
  return payload;
}

async function pendingAndFailedJobs(db: pg.Pool): Promise<{ pending: number; failed: number }> {
  const { rows } = await db.query<{ pending: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE state IN ('created', 'retry', 'active'))::int AS pending,
            count(*) FILTER (WHERE state = 'failed')::int AS failed
     FROM pgboss.job WHERE name = 'supportbot-jobs'`,
  );
  return rows[0];
}

async function jobRetries(db: pg.Pool): Promise<number> {
  const { rows } = await db.query<{ retries: number }>(
    `SELECT coalesce(sum(retry_count), 0)::int AS retries FROM (
       SELECT retry_count FROM pgboss.job WHERE name = 'supportbot-jobs'
       UNION ALL SELECT retry_count FROM pgboss.archive WHERE name = 'supportbot-jobs') jobs`,
  );
  return rows[0].retries;
}

/** Parses `name{outcome="x"} value` lines of one counter from Prometheus text. */
export function counterByLabel(metricsText: string, metric: string, label: string): Record<string, number> {
  const values: Record<string, number> = {};
  const pattern = new RegExp(`^${metric}\\{[^}]*${label}="([^"]*)"[^}]*\\} (\\S+)$`);
  for (const line of metricsText.split('\n')) {
    const match = pattern.exec(line);
    if (match) values[match[1]] = (values[match[1]] ?? 0) + Number(match[2]);
  }
  return values;
}

function sumMessages(processes: RoleProcess[], msg: string): number {
  return processes.reduce((sum, proc) => sum + (proc.messages.get(msg) ?? 0), 0);
}

/** Everything a run starts, so teardown can stop whatever got started. */
interface Resources {
  dataDir: string;
  children: RoleProcess[];
  cluster?: PgCluster;
  fake?: FakeGitHub;
  store?: Store;
  db?: pg.Pool;
}

/**
 * The multi-process deployment under faults: a throwaway PostgreSQL cluster, one web and N
 * worker processes, the fake GitHub in this process failing a share of requests, signed
 * deliveries with redeliveries and edits, one worker SIGKILLed mid-run and started again.
 * Returns the figures and every broken promise; tears everything down whatever happens.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const resources: Resources = { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-soak-')), children: [] };
  try {
    return await withTimeout(soak(resources, options), options.hardTimeoutMs, 'the soak run');
  } finally {
    await Promise.allSettled(resources.children.map(killHard));
    await Promise.allSettled([resources.store?.close(), resources.db?.end(), resources.fake?.close()]);
    await resources.cluster?.stop().catch(() => undefined);
    fs.rmSync(resources.dataDir, { recursive: true, force: true });
  }
}

async function soak(resources: Resources, options: SoakOptions): Promise<SoakReport> {
  const progress = options.onProgress ?? (() => undefined);
  const children = resources.children;
  const cluster = (resources.cluster = await startPgCluster());
  const fake = (resources.fake = await startFakeGitHub({ maxRecordedRequests: 1000 }));
  const kb = loadKnowledgeBase(path.join(repoRoot, 'classifiers', 'networking'));
  const textOf = (number: number) => options.texts[(number - 1) % options.texts.length];

  fake.state.addRepo(owner, repoName, { installationId: 1 });
  for (let number = 1; number <= options.issues; number++) fake.state.addIssue(owner, repoName, { number, ...textOf(number), user: 'asker' });

  const faultCounts: Record<string, number> = {};
  const statusCounts: Record<string, number> = {};
  const replyPosts = new Map<number, number>();
  let githubRequests = 0;
  fake.onRequest = (request) => {
    githubRequests += 1;
    statusCounts[request.status] = (statusCounts[request.status] ?? 0) + 1;
    if (request.fault) faultCounts[request.fault] = (faultCounts[request.fault] ?? 0) + 1;
    if (request.method === 'POST' && request.route === replyRoute && request.status === 201 && hasReplyMarker(String((request.body as { body?: unknown })?.body ?? ''))) {
      const number = Number(request.path.split('/')[5]);
      replyPosts.set(number, (replyPosts.get(number) ?? 0) + 1);
    }
  };

  const port = await freePort();
  const webUrl = `http://127.0.0.1:${port}`;
  const env = testEnv({
    githubUrl: fake.url,
    dataDir: resources.dataDir,
    env: {
      DATABASE_URL: cluster.connectionString,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JOB_LEASE_SECONDS: String(options.leaseSeconds),
      WORKER_CONCURRENCY: String(options.workerConcurrency),
    },
  });
  // Workers get a port of their own too, so a test can prove they do not listen on it.
  const workerEnv = async () => ({ ...env, PORT: String(await freePort()) });
  const startWorker = async (name: string) => {
    const worker = spawnRole(name, 'worker', await workerEnv(), options.logDir);
    children.push(worker);
    await worker.started;
    return worker;
  };

  progress(`starting 1 web and ${options.workers} worker processes on PostgreSQL`);
  const web = spawnRole('web', 'web', { ...env, PORT: String(port) }, options.logDir);
  children.push(web);
  const workers = await Promise.all(Array.from({ length: options.workers }, (_, index) => startWorker(`worker-${index + 1}`)));
  await web.started;
  await waitForHealthy(webUrl);

  const store = (resources.store = await createPostgresStore({ connectionString: cluster.connectionString, poolSize: 4 }));
  const db = (resources.db = new pg.Pool({ connectionString: cluster.connectionString, max: 2 }));

  const plan = planDeliveries({ issues: options.issues, deliveries: options.deliveries, seed: options.seed });
  const webhooks = new Webhooks({ secret: testSecret });
  const bodies = new Map<string, string>();
  const sentIds = new Set<string>();
  const send = async (deliveryId: string, body: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${webUrl}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issues',
          'x-github-delivery': deliveryId,
          'x-hub-signature-256': await webhooks.sign(body),
          'user-agent': 'GitHub-Hookshot/soak',
        },
        body,
      });
      await response.text();
      if (response.status === 202) return;
      if (attempt >= 3) throw new Error(`delivery ${deliveryId} answered ${response.status}`);
    }
  };

  fake.setFaults({ ...options.faults, seed: options.seed ?? 1 });
  progress(`sending ${plan.length} deliveries for ${options.issues} issues`);
  const killAt = Math.floor(plan.length * options.killWorkerAt);
  let restart: Promise<void> | null = null;
  let next = 0;
  const started = performance.now();
  const sender = async () => {
    while (next < plan.length) {
      const index = next++;
      const delivery = plan[index];
      if (index === killAt) {
        restart = (async () => {
          const victim = workers[0];
          victim.child.kill('SIGKILL');
          await victim.exited;
          progress(`SIGKILLed ${victim.name} after ${index} deliveries; starting it again`);
          workers[0] = await startWorker(`${victim.name}-restarted`);
        })();
      }
      let body = bodies.get(delivery.deliveryId);
      if (!body) {
        body = JSON.stringify(payloadFor(delivery, textOf(delivery.issueNumber)));
        bodies.set(delivery.deliveryId, body);
      }
      await send(delivery.deliveryId, body);
      sentIds.add(delivery.deliveryId);
      if ((index + 1) % 1000 === 0) progress(`sent ${index + 1} deliveries`);
    }
  };
  await Promise.all(Array.from({ length: options.senders }, sender));
  const sentMs = performance.now() - started;
  progress(`all deliveries sent in ${(sentMs / 1000).toFixed(1)} s; waiting for the workers`);
  await restart;
  for (;;) {
    const jobs = await pendingAndFailedJobs(db);
    if (jobs.pending === 0) break;
    await sleep(200);
  }
  const durationMs = performance.now() - started;
  progress(`all jobs finished ${(durationMs / 1000).toFixed(1)} s after the first delivery`);

  const stored = await Promise.all([...sentIds].map((id) => store.getDelivery(id)));
  const storedIds = new Set(stored.flatMap((delivery) => (delivery ? [delivery.deliveryId] : [])));
  const firstReceived = new Map<number, number>();
  for (const delivery of stored) {
    if (!delivery?.issueNumber) continue;
    const at = Date.parse(delivery.receivedAt);
    firstReceived.set(delivery.issueNumber, Math.min(at, firstReceived.get(delivery.issueNumber) ?? at));
  }

  const issues: IssueObservation[] = [];
  const latencies: number[] = [];
  for (let number = 1; number <= options.issues; number++) {
    const decision = await store.getDecisionForIssue(repoFullName, number);
    const fakeIssue = fake.state.issue(owner, repoName, number);
    const replies = (fakeIssue?.comments ?? []).filter((comment) => hasReplyMarker(comment.body));
    issues.push({
      number,
      expected: expectedOutcome(kb, textOf(number)),
      labels: fakeIssue?.labels ?? [],
      replyCommentIds: replies.map((comment) => comment.id),
      replyPosts: replyPosts.get(number) ?? 0,
      decision: decision ? { replyState: decision.replyState, replyCommentId: decision.replyCommentId } : null,
    });
    const receivedAt = firstReceived.get(number);
    if (decision?.repliedAt && receivedAt !== undefined) latencies.push(Date.parse(decision.repliedAt) - receivedAt);
  }
  latencies.sort((a, b) => a - b);

  const jobs = await pendingAndFailedJobs(db);
  const problems = verifySoak({ sentDeliveryIds: sentIds, storedDeliveryIds: storedIds, issues, jobs, violations: fake.violations });
  const metricsText = await (await fetch(`${webUrl}/metrics`)).text();
  const everyWorker = children.filter((child) => child.role === 'worker');
  const figures: SoakFigures = {
    deliveriesSent: plan.length,
    distinctDeliveries: sentIds.size,
    redeliveries: plan.filter((delivery) => delivery.redelivery).length,
    edits: new Set(plan.filter((delivery) => delivery.action === 'edited').map((delivery) => delivery.deliveryId)).size,
    issues: options.issues,
    repliesPosted: issues.filter((issue) => issue.replyCommentIds.length > 0).length,
    durationMs: Math.round(durationMs),
    deliveriesPerSecond: Number((plan.length / (durationMs / 1000)).toFixed(1)),
    deliveryToReplyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
    githubRequests,
    githubByStatus: statusCounts,
    faultsInjected: faultCounts,
    jobRetries: await jobRetries(db),
    rateLimitWaits: sumMessages(everyWorker, 'GitHub rate limit: waiting before retrying'),
    leaseTakeovers: sumMessages(everyWorker, 'job finished after its lease was taken over'),
    webDeliveryOutcomes: counterByLabel(metricsText, 'supportbot_webhook_deliveries_total', 'outcome'),
  };

  if (options.afterRun) {
    fake.setFaults({});
    await options.afterRun({
      fake,
      web,
      webUrl,
      workers,
      startWorker,
      store,
      db,
      async openIssue(number, text) {
        fake.state.addIssue(owner, repoName, { number, ...text, user: 'asker' });
        const delivery: PlannedDelivery = { deliveryId: `extra-${number}`, issueNumber: number, action: 'opened', redelivery: false };
        await send(delivery.deliveryId, JSON.stringify(payloadFor(delivery, text)));
        return delivery.deliveryId;
      },
    });
  }
  return { figures, problems };
}
