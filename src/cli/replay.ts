import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Webhooks } from '@octokit/webhooks';
import { Command } from 'commander';
import { readExamples } from '../classify/index.js';
import type { Example } from '../classify/types.js';
import { defaultTrainingFiles } from './corpus-paths.js';

export interface ReplayOptions {
  url: string;
  count: number;
  files: string[];
  secret: string | null;
  repo: string;
  firstNumber: number;
}

/** A GitHub-shaped `issues.opened` payload for one example, in the shape of GitHub's own examples. */
export function openedPayload(example: Pick<Example, 'title' | 'body'>, repoFullName: string, issueNumber: number, now: Date): Record<string, unknown> {
  const [owner, name] = repoFullName.split('/');
  const timestamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const user = { login: 'replay-user', id: 1, type: 'User', html_url: 'https://github.com/replay-user' };
  return {
    action: 'opened',
    issue: {
      url: `https://api.github.com/repos/${repoFullName}/issues/${issueNumber}`,
      html_url: `https://github.com/${repoFullName}/issues/${issueNumber}`,
      id: 100_000 + issueNumber,
      number: issueNumber,
      title: example.title,
      body: example.body,
      user,
      labels: [],
      state: 'open',
      locked: false,
      comments: 0,
      created_at: timestamp,
      updated_at: timestamp,
      author_association: 'NONE',
    },
    repository: {
      id: 1,
      name,
      full_name: repoFullName,
      private: false,
      owner: { login: owner, id: 2, type: 'Organization' },
      html_url: `https://github.com/${repoFullName}`,
    },
    sender: user,
  };
}

/** Sends examples to a running service as correctly signed `issues.opened` deliveries. */
export async function replay(options: ReplayOptions, print: (line: string) => void): Promise<{ sent: number; accepted: number }> {
  const examples = options.files.flatMap((file) => readExamples(file)).slice(0, options.count);
  const webhooks = options.secret ? new Webhooks({ secret: options.secret }) : null;
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/github/webhooks`;
  let accepted = 0;
  for (const [index, example] of examples.entries()) {
    const body = JSON.stringify(openedPayload(example, options.repo, options.firstNumber + index, new Date()));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'user-agent': 'GitHub-Hookshot/supportbot-replay',
    };
    if (webhooks) headers['x-hub-signature-256'] = await webhooks.sign(body);
    const response = await fetch(endpoint, { method: 'POST', headers, body });
    const answer = await response.text();
    if (response.status < 300) accepted += 1;
    print(`#${options.firstNumber + index} ${response.status} ${answer.slice(0, 80)}  ${example.title.slice(0, 70)}`);
  }
  return { sent: examples.length, accepted };
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('send labelled questions to a running service as signed issues.opened deliveries')
    .option('--url <url>', 'the running service', 'http://127.0.0.1:3000')
    .option('--count <n>', 'how many deliveries', '20')
    .option('--file <files...>', 'JSONL files with title and body (default: the shared corpus)')
    .option('--secret <secret>', 'webhook secret (default: WEBHOOK_SECRET)')
    .option('--repo <owner/name>', 'repository the issues appear in', 'example-org/support')
    .option('--first-number <n>', 'issue number of the first delivery', String(Math.floor(Date.now() / 1000) % 100_000))
    .action(async (options: { url: string; count: string; file?: string[]; secret?: string; repo: string; firstNumber: string }) => {
      const files = options.file ?? defaultTrainingFiles().filter((file) => fs.existsSync(file));
      if (files.length === 0) throw new Error('no corpus found: pass --file FILE (JSONL with title and body) or put ../shared beside the checkout');
      const result = await replay(
        {
          url: options.url,
          count: Number(options.count),
          files,
          secret: options.secret ?? process.env.WEBHOOK_SECRET ?? null,
          repo: options.repo,
          firstNumber: Number(options.firstNumber),
        },
        (line) => process.stdout.write(`${line}\n`),
      );
      process.stdout.write(`${result.accepted}/${result.sent} deliveries accepted\n`);
    });
}
