import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEnv, secretsOf, type AppConfig } from '../../src/config/env.js';
import { createLogger } from '../../src/log.js';
import { startService, type Service, type ServiceRole } from '../../src/service.js';
import { repoRoot } from './shared-dir.js';

export const testSecret = 'test-webhook-secret-5f1c';
export const testToken = 'ghp_testtoken000000000000000000000000';

export interface TestService {
  service: Service;
  url: string;
  config: AppConfig;
  dataDir: string;
  /** Every log line the service wrote, as JSON text. */
  logLines: string[];
  stop(): Promise<void>;
}

/** The environment a test service runs with: the real knowledge base, a temp data dir, fast GitHub writes. */
export function testEnv(options: { githubUrl: string | null; dataDir: string; env?: Record<string, string> }): Record<string, string> {
  return {
    WEBHOOK_SECRET: testSecret,
    ...(options.githubUrl ? { GITHUB_TOKEN: testToken, GITHUB_API_URL: options.githubUrl } : {}),
    DATA_DIR: options.dataDir,
    KB_DIR: path.join(repoRoot, 'classifiers', 'networking'),
    TEMPLATES_DIR: path.join(repoRoot, 'templates'),
    LOG_LEVEL: 'debug',
    GITHUB_WRITE_INTERVAL_MS: '0',
    JOB_LEASE_SECONDS: '5',
    WORKER_CONCURRENCY: '2',
    ...options.env,
  };
}

/** Starts the real service (SQLite, HTTP on a free loopback port) in this process. */
export async function startTestService(options: {
  githubUrl: string | null;
  env?: Record<string, string>;
  role?: ServiceRole;
  dataDir?: string;
  similarFollowMs?: number;
}): Promise<TestService> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-test-'));
  const config = readEnv({ ...testEnv({ githubUrl: options.githubUrl, dataDir, env: options.env }), HOST: '127.0.0.1' }, repoRoot);
  const logLines: string[] = [];
  const logger = createLogger({ level: 'debug', secrets: secretsOf(config), destination: { write: (line: string) => void logLines.push(line) } });
  const service = await startService(config, { role: options.role ?? 'all', port: 0, logger, github: { retryBaseMs: 20 }, similarFollowMs: options.similarFollowMs });
  return {
    service,
    url: service.url ?? '',
    config,
    dataDir,
    logLines,
    async stop() {
      await service.stop();
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
