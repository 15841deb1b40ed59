import { z } from 'zod';
import { repoConfigPath } from '../config/repo-config.js';

/**
 * Turns a verified webhook delivery into a job, or says why it is ignored. Pure. The job keeps
 * only what the worker needs, so the queue never holds whole payloads.
 */
export const handledIssueActions = ['opened', 'edited', 'reopened', 'closed', 'deleted', 'transferred', 'labeled', 'unlabeled'] as const;
export type IssueAction = (typeof handledIssueActions)[number];

const issuePayloadSchema = z.object({
  action: z.string(),
  installation: z.object({ id: z.number() }).optional(),
  repository: z.object({
    name: z.string(),
    full_name: z.string(),
    private: z.boolean().default(false),
    owner: z.object({ login: z.string() }),
  }),
  issue: z.object({
    number: z.number().int().positive(),
    title: z.string(),
    body: z.string().nullable().optional(),
    state: z.enum(['open', 'closed']).default('open'),
    state_reason: z.string().nullable().optional(),
    labels: z.array(z.union([z.object({ name: z.string() }), z.string()])).default([]),
    user: z.object({ login: z.string(), type: z.string().optional() }).nullable().optional(),
    html_url: z.string(),
    comments: z.number().default(0),
    created_at: z.string(),
    updated_at: z.string(),
    pull_request: z.unknown().optional(),
  }),
  label: z.object({ name: z.string() }).optional(),
  sender: z.object({ login: z.string(), type: z.string() }),
});

export interface IssueEventJob {
  deliveryId: string;
  action: IssueAction;
  receivedAt: string;
  installationId: number | null;
  repo: { owner: string; name: string; fullName: string; private: boolean };
  issue: {
    number: number;
    title: string;
    body: string;
    state: 'open' | 'closed';
    stateReason: string | null;
    labels: string[];
    authorLogin: string;
    htmlUrl: string;
    comments: number;
    createdAt: string;
    updatedAt: string;
  };
  sender: { login: string; type: string };
  label: string | null;
}

export type RouteResult =
  | { kind: 'ignore'; reason: string; repo: string | null; issueNumber: number | null }
  | { kind: 'config-changed'; repo: string }
  | { kind: 'enqueue'; job: IssueEventJob };

const pushPayloadSchema = z.object({
  ref: z.string(),
  repository: z.object({ full_name: z.string(), default_branch: z.string() }),
  commits: z.array(z.object({ added: z.array(z.string()).default([]), modified: z.array(z.string()).default([]), removed: z.array(z.string()).default([]) })).default([]),
  head_commit: z.object({ added: z.array(z.string()).default([]), modified: z.array(z.string()).default([]), removed: z.array(z.string()).default([]) }).nullable().optional(),
});

/** A push to the default branch that touches the repository's bot config. */
function touchesRepoConfig(payload: unknown, configPath: string): string | null {
  const parsed = pushPayloadSchema.safeParse(payload);
  if (!parsed.success) return null;
  const { ref, repository, commits, head_commit: head } = parsed.data;
  if (ref !== `refs/heads/${repository.default_branch}`) return null;
  const touched = [...commits, ...(head ? [head] : [])].some((commit) => [...commit.added, ...commit.modified, ...commit.removed].includes(configPath));
  return touched ? repository.full_name : null;
}

export function routeDelivery(event: string, payload: unknown, deliveryId: string, receivedAt: string): RouteResult {
  const ignore = (reason: string, repo: string | null = null, issueNumber: number | null = null): RouteResult => ({ kind: 'ignore', reason, repo, issueNumber });
  if (event === 'push') {
    const repo = touchesRepoConfig(payload, repoConfigPath);
    return repo ? { kind: 'config-changed', repo } : ignore('push does not change the bot config');
  }
  if (event !== 'issues') return ignore(`event "${event}" is not handled`);
  const parsed = issuePayloadSchema.safeParse(payload);
  if (!parsed.success) return ignore('issues payload lacks the fields the bot needs');
  const data = parsed.data;
  const repo = data.repository.full_name;
  if (!(handledIssueActions as readonly string[]).includes(data.action)) return ignore(`issues.${data.action} is not handled`, repo, data.issue.number);
  if (data.issue.pull_request !== undefined) return ignore('pull requests are not triaged', repo, data.issue.number);
  if (data.sender.type === 'Bot') return ignore('events caused by bots (including this one) are not triaged', repo, data.issue.number);

  return {
    kind: 'enqueue',
    job: {
      deliveryId,
      action: data.action as IssueAction,
      receivedAt,
      installationId: data.installation?.id ?? null,
      repo: { owner: data.repository.owner.login, name: data.repository.name, fullName: repo, private: data.repository.private },
      issue: {
        number: data.issue.number,
        title: data.issue.title,
        body: data.issue.body ?? '',
        state: data.issue.state,
        stateReason: data.issue.state_reason ?? null,
        labels: data.issue.labels.map((label) => (typeof label === 'string' ? label : label.name)),
        authorLogin: data.issue.user?.login ?? 'ghost',
        htmlUrl: data.issue.html_url,
        comments: data.issue.comments,
        createdAt: data.issue.created_at,
        updatedAt: data.issue.updated_at,
      },
      sender: data.sender,
      label: data.label?.name ?? null,
    },
  };
}

const jobSchema = z.object({
  deliveryId: z.string(),
  action: z.enum(handledIssueActions),
  receivedAt: z.string(),
  installationId: z.number().nullable(),
  repo: z.object({ owner: z.string(), name: z.string(), fullName: z.string(), private: z.boolean() }),
  issue: z.object({
    number: z.number(),
    title: z.string(),
    body: z.string(),
    state: z.enum(['open', 'closed']),
    stateReason: z.string().nullable(),
    labels: z.array(z.string()),
    authorLogin: z.string(),
    htmlUrl: z.string(),
    comments: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  sender: z.object({ login: z.string(), type: z.string() }),
  label: z.string().nullable(),
});

/** Validates a job read back from the queue (it may predate a deploy). */
export function parseIssueEventJob(payload: unknown): IssueEventJob | null {
  const parsed = jobSchema.safeParse(payload);
  return parsed.success ? parsed.data : null;
}
