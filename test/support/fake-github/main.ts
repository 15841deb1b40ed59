import { parseArgs } from 'node:util';
import { startFakeGitHub } from './index.js';

/**
 * The fake GitHub as its own process, for multi-process soak runs:
 *   node dist/test/support/fake-github/main.js --port 0 --fault-rate 0.1 --repo acme/widgets
 * Prints one JSON line `{"url": ...}` on stdout once listening; control it over HTTP with
 * `GET /__fake/state`, `POST /__fake/faults`, `POST /__fake/repos|issues|files`.
 */

const usage = `usage: fake-github [--host 127.0.0.1] [--port 0] [--fault-rate 0..1] [--secondary-rate 0..1]
                   [--too-many-rate 0..1] [--seed n] [--repo owner/name[:installationId]]... [--check-responses]`;

function rate(value: string | undefined, flag: string): number {
  const parsed = Number(value ?? 0);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new Error(`${flag} must be a number from 0 to 1`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'fault-rate': { type: 'string' },
      'secondary-rate': { type: 'string' },
      'too-many-rate': { type: 'string' },
      seed: { type: 'string', default: '1' },
      repo: { type: 'string', multiple: true, default: [] },
      'check-responses': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const fake = await startFakeGitHub({
    host: values.host,
    port: Number(values.port),
    checkResponses: values['check-responses'],
    faults: {
      rate: rate(values['fault-rate'], '--fault-rate'),
      secondaryRateLimitRate: rate(values['secondary-rate'], '--secondary-rate'),
      tooManyRequestsRate: rate(values['too-many-rate'], '--too-many-rate'),
      seed: Number(values.seed),
    },
  });
  for (const spec of values.repo) {
    const match = /^([^/\s]+)\/([^:\s]+)(?::(\d+))?$/.exec(spec);
    if (!match) throw new Error(`--repo ${spec}: expected owner/name or owner/name:installationId`);
    fake.state.addRepo(match[1] as string, match[2] as string, match[3] ? { installationId: Number(match[3]) } : {});
  }
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
  const stop = () => {
    fake.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake-github: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
  process.exit(2);
});
