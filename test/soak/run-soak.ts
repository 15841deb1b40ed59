import { parseArgs } from 'node:util';
import { pgBinDir, pgMissingMessage } from '../support/pg-cluster.js';
import { sharedDir } from '../support/shared-dir.js';
import { soakIssueTexts } from './issue-texts.js';
import { runSoak } from './soak-run.js';

/**
 * `npm run soak`: the full proof under faults (issue #7). 3 workers and 1 web process on
 * PostgreSQL, 5,000 signed deliveries for 2,000 issues, 10% GitHub 500s plus secondary and
 * primary rate limits, one worker SIGKILLed mid-run. Prints the figures; exits 1 on any problem.
 */
const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '3' },
    issues: { type: 'string', default: '2000' },
    deliveries: { type: 'string', default: '5000' },
    'fault-rate': { type: 'string', default: '0.1' },
    'secondary-rate': { type: 'string', default: '0.02' },
    'too-many-rate': { type: 'string', default: '0.01' },
    concurrency: { type: 'string', default: '16' },
    senders: { type: 'string', default: '8' },
    'lease-seconds': { type: 'string', default: '10' },
    'timeout-minutes': { type: 'string', default: '9' },
    seed: { type: 'string', default: '1' },
    'log-dir': { type: 'string' },
  },
});

function whole(name: keyof typeof values): number {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number, got ${values[name]}`);
  return value;
}

if (!pgBinDir()) {
  process.stderr.write(`soak: ${pgMissingMessage}\n`);
  process.exit(2);
}
const shared = sharedDir();
const texts = soakIssueTexts(shared);
const log = (line: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
log(shared ? `issue texts: ${texts.length} from ${shared}/corpus` : `issue texts: ${texts.length} written for the soak (../shared is absent)`);

const started = Date.now();
const report = await runSoak({
  workers: whole('workers'),
  issues: whole('issues'),
  deliveries: whole('deliveries'),
  texts,
  faults: { rate: whole('fault-rate'), secondaryRateLimitRate: whole('secondary-rate'), tooManyRequestsRate: whole('too-many-rate') },
  killWorkerAt: 0.4,
  senders: whole('senders'),
  workerConcurrency: whole('concurrency'),
  leaseSeconds: whole('lease-seconds'),
  hardTimeoutMs: whole('timeout-minutes') * 60_000,
  seed: whole('seed'),
  onProgress: log,
  logDir: values['log-dir'],
});

const { figures } = report;
process.stdout.write(
  [
    `deliveries: ${figures.deliveriesSent} sent (${figures.distinctDeliveries} distinct, ${figures.redeliveries} redeliveries, ${figures.edits} edits) for ${figures.issues} issues`,
    `end to end: ${(figures.durationMs / 1000).toFixed(1)} s, ${figures.deliveriesPerSecond} deliveries/s`,
    `delivery → reply: p50 ${figures.deliveryToReplyMs.p50} ms, p99 ${figures.deliveryToReplyMs.p99} ms, max ${figures.deliveryToReplyMs.max} ms (${figures.repliesPosted} replies)`,
    `GitHub requests: ${figures.githubRequests} by status ${JSON.stringify(figures.githubByStatus)}`,
    `faults injected: ${JSON.stringify(figures.faultsInjected)}`,
    `job retries: ${figures.jobRetries}; rate-limit waits: ${figures.rateLimitWaits}; leases taken over from live workers: ${figures.leaseTakeovers}`,
    `web deliveries by outcome: ${JSON.stringify(figures.webDeliveryOutcomes)}`,
    `run time including start-up and teardown: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    report.problems.length === 0 ? 'PASS: every promise kept' : `FAIL: ${report.problems.length} problems\n${report.problems.slice(0, 50).map((problem) => `  - ${problem}`).join('\n')}`,
    '',
  ].join('\n'),
);
process.exit(report.problems.length === 0 ? 0 : 1);
