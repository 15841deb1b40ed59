import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { Webhooks } from '@octokit/webhooks';

const require = createRequire(import.meta.url);
const exampleGroups = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: Array<Record<string, unknown>> }>;

/** A deep copy of one of GitHub's own example payloads for `issues.<action>`. */
export function issuesExample(action: string): Record<string, any> {
  const payload = exampleGroups.find((group) => group.name === 'issues')?.examples.find((example) => example.action === action);
  if (!payload) throw new Error(`@octokit/webhooks-examples has no issues.${action} example`);
  return structuredClone(payload) as Record<string, any>;
}

/** GitHub's example `issues.opened`, moved to our repository and issue, with our text. */
export function openedDelivery(options: { owner: string; repo: string; number: number; title: string; body: string; installationId?: number; private?: boolean }): Record<string, any> {
  const payload = issuesExample('opened');
  const fullName = `${options.owner}/${options.repo}`;
  payload.repository = { ...payload.repository, name: options.repo, full_name: fullName, private: options.private ?? false, owner: { ...payload.repository.owner, login: options.owner } };
  payload.issue = {
    ...payload.issue,
    number: options.number,
    title: options.title,
    body: options.body,
    labels: [],
    html_url: `https://github.com/${fullName}/issues/${options.number}`,
    url: `https://api.github.com/repos/${fullName}/issues/${options.number}`,
  };
  if (options.installationId !== undefined) payload.installation = { id: options.installationId, node_id: 'MDIz' };
  return payload;
}

export interface SentDelivery {
  status: number;
  body: any;
  deliveryId: string;
}

/** Posts a webhook delivery the way GitHub does: raw JSON body, signed with the shared secret. */
export async function sendDelivery(
  baseUrl: string,
  event: string,
  payload: unknown,
  options: { secret?: string | null; deliveryId?: string; signature?: string; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<SentDelivery> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const body = options.rawBody ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': deliveryId,
    'user-agent': 'GitHub-Hookshot/test',
    ...options.headers,
  };
  if (options.signature) headers['x-hub-signature-256'] = options.signature;
  else if (options.secret) headers['x-hub-signature-256'] = await new Webhooks({ secret: options.secret }).sign(body);
  for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
  const response = await fetch(`${baseUrl}/api/github/webhooks`, { method: 'POST', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed, deliveryId };
}

export async function waitFor<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}
