import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/cli/replay.js';
import { startTestService, testSecret, type TestService } from '../support/test-service.js';
import { waitFor } from '../support/webhook-client.js';

/** Questions written for this test, one JSON object a line like the corpus. */
const questions = [
  { title: 'Joining a hotspot from my app fails', body: 'NEHotspotConfigurationManager apply returns an internal error on iOS 17.4.', topics: ['wifi'] },
  { title: 'Certificate pinning with URLSession', body: 'How do I pin our server certificate in urlSession(_:didReceive:completionHandler:)?', topics: ['tls-security'] },
  { title: 'Content filter does not see UDP flows', body: 'My NEFilterDataProvider on macOS 14 never gets UDP flows, only TCP.', topics: ['network-extension'] },
];

describe('supportbot replay and the health endpoints', () => {
  let bot: TestService;
  let file: string;

  beforeAll(async () => {
    bot = await startTestService({ githubUrl: null });
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-replay-')), 'questions.jsonl');
    fs.writeFileSync(file, questions.map((question) => JSON.stringify(question)).join('\n'));
  });
  afterAll(async () => {
    await bot.stop();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('answers /healthz and /readyz once the store is open and the model loaded', async () => {
    expect(await (await fetch(`${bot.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${bot.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', storeOpen: true, modelLoaded: true });
  });

  it('sends each question as a signed issues.opened delivery that the service triages (dry-run)', async () => {
    const lines: string[] = [];
    const result = await replay({ url: bot.url, count: 2, files: [file], secret: testSecret, repo: 'demo/queue', firstNumber: 40 }, (line) => lines.push(line));
    expect(result).toEqual({ sent: 2, accepted: 2 });
    expect(lines[0]).toMatch(/^#40 202 \{"status":"queued"\}/);
    const decisions = await waitFor(async () => {
      const { items } = await bot.service.store.listDecisions({ repo: 'demo/queue' });
      return items.length === 2 ? items : null;
    }, { what: 'two decisions' });
    expect(decisions.map((decision) => [decision.issueNumber, decision.mode, decision.issueTitle]).sort()).toEqual([
      [40, 'dry-run', questions[0].title],
      [41, 'dry-run', questions[1].title],
    ]);
    expect(decisions.find((decision) => decision.issueNumber === 40)?.topic).toBe('wifi');
  });

  it('is refused without the right secret', async () => {
    const result = await replay({ url: bot.url, count: 1, files: [file], secret: 'wrong-secret', repo: 'demo/queue', firstNumber: 50 }, () => undefined);
    expect(result).toEqual({ sent: 1, accepted: 0 });
  });
});
