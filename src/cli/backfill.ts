import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadKnowledgeBase, type KnowledgeBase } from '../classify/index.js';
import { readEnv, secretsOf } from '../config/env.js';
import { defaultRepoSettings } from '../config/repo-config.js';
import type { RepoRef } from '../github/issue-tracker.js';
import { listRepoIssues } from '../github/list-repo-issues.js';
import { createGithubClients, type GithubClients } from '../github/octokit-clients.js';
import { createLogger } from '../log.js';
import { rebuildFromStore } from '../similar/index.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import type { StoredIssue } from '../store/types.js';
import { assessIssue } from '../triage/assess-issue.js';

export interface BackfillDeps {
  clients: GithubClients;
  store: Store;
  onProgress?(done: number, total: number): void;
}

export function backfillCursorKey(repo: string): string {
  return `backfill-cursor:${repo}`;
}

/**
 * Imports a repository's existing issues into the store for similar-issue suggestions. The
 * cursor (the last imported issue's update time) is saved as it goes, so an interrupted import
 * resumes where it stopped; rate limits are waited out by the GitHub client.
 */
export async function backfillRepository(deps: BackfillDeps, repo: RepoRef, options: { since?: string; restart?: boolean } = {}): Promise<{ imported: number; since: string | null }> {
  const fullName = `${repo.owner}/${repo.repo}`;
  const saved = options.restart ? null : await deps.store.getSetting(backfillCursorKey(fullName));
  const since = [options.since, saved ?? undefined].filter((value): value is string => Boolean(value)).sort().at(-1) ?? null;
  let imported = 0;
  for await (const page of listRepoIssues(deps.clients, repo, since ? { since } : {})) {
    for (const issue of page.issues) await deps.store.upsertIssue(issue);
    imported += page.issues.length;
    const last = page.issues.at(-1);
    if (last) await deps.store.setSetting(backfillCursorKey(fullName), last.updatedAt);
    deps.onProgress?.(imported, page.total);
  }
  return { imported, since };
}

export interface OpenIssueVerdict {
  number: number;
  title: string;
  decision: string;
  labels: string[];
  resources: string[];
  similar: number[];
}

/** What the bot would do on each open issue, computed with the same pure functions as the worker; touches nothing. */
export async function judgeOpenIssues(store: Store, kb: KnowledgeBase, repo: string): Promise<OpenIssueVerdict[]> {
  const index = await rebuildFromStore(store, { repo });
  const verdicts: OpenIssueVerdict[] = [];
  let afterNumber: number | undefined;
  for (;;) {
    const page: StoredIssue[] = await store.listIssues({ repo, afterNumber, limit: 500 });
    for (const issue of page.filter((candidate) => candidate.state === 'open')) {
      const text = { title: issue.title, body: issue.body };
      const similar = index.query(repo, text, { excludeNumber: issue.number, includePrivate: issue.isPrivate, limit: 3 });
      const { decision } = assessIssue({ kb, issue: { ...text, labels: [] }, similar, settings: defaultRepoSettings });
      verdicts.push({
        number: issue.number,
        title: issue.title,
        decision: decision.kind === 'skip' ? `skip: ${decision.reason}` : decision.abstained ? `abstain: ${decision.abstainReason}` : `label ${decision.topic?.slug}`,
        labels: decision.kind === 'act' ? decision.labels.map((label) => label.name) : [],
        resources: decision.kind === 'act' ? decision.resources.map((link) => link.title) : [],
        similar: decision.kind === 'act' ? decision.similar.map((ref) => ref.number) : [],
      });
    }
    if (page.length < 500) return verdicts;
    afterNumber = page.at(-1)?.number;
  }
}

function parseRepo(value: string): RepoRef {
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(value);
  if (!match) throw new Error(`--repo must be OWNER/NAME, got "${value}"`);
  return { owner: match[1], repo: match[2] };
}

export function backfillCommand(): Command {
  return new Command('backfill')
    .description("import a repository's existing issues (for similar-issue suggestions); resumable")
    .requiredOption('--repo <owner/name>', 'the repository')
    .option('--since <date>', 'only issues updated at or after this date (ISO 8601)')
    .option('--restart', 'ignore the saved cursor and import from the beginning')
    .option('--triage-open', 'afterwards, show what the bot would do on each open issue')
    .option('--dry-run', 'with --triage-open: print only, touch nothing on GitHub')
    .action(async (options: { repo: string; since?: string; restart?: boolean; triageOpen?: boolean; dryRun?: boolean }) => {
      if (options.triageOpen && !options.dryRun) throw new Error('--triage-open needs --dry-run: live triage of old issues happens through the service');
      if (options.since && Number.isNaN(Date.parse(options.since))) throw new Error(`--since must be a date, got "${options.since}"`);
      const config = readEnv(process.env, process.cwd(), { receivesWebhooks: false });
      if (config.github.auth.kind === 'none') throw new Error('backfill reads issues through the GitHub API: set GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_PRIVATE_KEY');
      const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, secrets: secretsOf(config), destination: process.stderr as never });
      const repo = parseRepo(options.repo);
      const store = await openStore(config);
      const clients = createGithubClients({ apiUrl: config.github.apiUrl, auth: config.github.auth, logger });
      const bar = new SingleBar({ format: 'importing {bar} {value}/{total} issues', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
      let barStarted = false;
      try {
        const result = await backfillRepository({
          clients,
          store,
          onProgress: (done, total) => {
            const estimate = Math.max(done, total);
            if (!barStarted) {
              bar.start(estimate, done);
              barStarted = true;
            } else bar.setTotal(estimate);
            bar.update(done);
          },
        }, repo, { since: options.since, restart: options.restart });
        if (barStarted) {
          bar.setTotal(result.imported);
          bar.stop();
        }
        process.stdout.write(`${result.imported} issues imported from ${options.repo}${result.since ? ` (updated since ${result.since})` : ''}\n`);
        if (options.triageOpen) {
          const kb = loadKnowledgeBase(config.kbDir);
          for (const verdict of await judgeOpenIssues(store, kb, `${repo.owner}/${repo.repo}`)) {
            process.stdout.write(`#${verdict.number} ${verdict.title}\n  ${verdict.decision}; labels: ${verdict.labels.join(', ') || '-'}\n`);
            if (verdict.resources.length > 0) process.stdout.write(`  resources: ${verdict.resources.join(' | ')}\n`);
            if (verdict.similar.length > 0) process.stdout.write(`  similar: ${verdict.similar.map((n) => `#${n}`).join(', ')}\n`);
          }
        }
      } finally {
        if (barStarted) bar.stop();
        await store.close();
      }
    });
}
