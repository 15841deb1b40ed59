import { z } from 'zod';

/**
 * Sign-in with GitHub through the GitHub App's OAuth credentials. Who may see what comes from
 * GitHub itself, asked with the person's own token: the repositories of the App's installations
 * they can reach, kept when they have write access (push, maintain or admin).
 */
export interface GithubOauthConfig {
  clientId: string;
  clientSecret: string;
  /** REST API base, e.g. https://api.github.com. */
  apiUrl: string;
  /** Web base for the OAuth pages, e.g. https://github.com. */
  webUrl: string;
}

/** github.com's API lives on its own host; GitHub Enterprise Server serves it under /api/v3. */
export function webUrlOf(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '')}`.replace(/\/+$/, '');
}

export function authorizeUrl(config: GithubOauthConfig, redirectUri: string, state: string): string {
  const url = new URL(`${config.webUrl}/login/oauth/authorize`);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  url.searchParams.set('allow_signup', 'false');
  return url.toString();
}

export class GithubSignInError extends Error {
  override name = 'GithubSignInError';
}

const tokenAnswer = z.union([
  z.object({ access_token: z.string().min(1) }),
  z.object({ error: z.string(), error_description: z.string().optional() }),
]);
const userAnswer = z.object({ login: z.string().min(1) });
const installationsAnswer = z.object({ installations: z.array(z.object({ id: z.number() })) });
const repositoriesAnswer = z.object({
  total_count: z.number(),
  repositories: z.array(
    z.object({
      full_name: z.string(),
      permissions: z.object({ admin: z.boolean().optional(), maintain: z.boolean().optional(), push: z.boolean().optional() }).optional(),
    }),
  ),
});

type Fetch = typeof fetch;

async function getJson<T>(fetchImpl: Fetch, url: string, token: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetchImpl(url, {
    headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'supportbot-dashboard' },
  });
  if (!response.ok) throw new GithubSignInError(`GitHub answered ${response.status} to ${new URL(url).pathname}`);
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) throw new GithubSignInError(`unexpected answer from ${new URL(url).pathname}`);
  return parsed.data;
}

export async function exchangeCode(config: GithubOauthConfig, code: string, redirectUri: string, fetchImpl: Fetch = fetch): Promise<string> {
  const response = await fetchImpl(`${config.webUrl}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'supportbot-dashboard' },
    body: JSON.stringify({ client_id: config.clientId, client_secret: config.clientSecret, code, redirect_uri: redirectUri }),
  });
  if (!response.ok) throw new GithubSignInError(`GitHub answered ${response.status} to the code exchange`);
  const parsed = tokenAnswer.safeParse(await response.json());
  if (!parsed.success) throw new GithubSignInError('unexpected answer to the code exchange');
  if ('error' in parsed.data) throw new GithubSignInError(`GitHub refused the sign-in: ${parsed.data.error}`);
  return parsed.data.access_token;
}

const maxPages = 10;

/** The person's login and the installed repositories they can write to. */
export async function writableRepositories(config: GithubOauthConfig, token: string, fetchImpl: Fetch = fetch): Promise<{ login: string; repos: string[] }> {
  const { login } = await getJson(fetchImpl, `${config.apiUrl}/user`, token, userAnswer);
  const { installations } = await getJson(fetchImpl, `${config.apiUrl}/user/installations?per_page=100`, token, installationsAnswer);
  const repos = new Set<string>();
  for (const installation of installations) {
    for (let page = 1; page <= maxPages; page++) {
      const answer = await getJson(fetchImpl, `${config.apiUrl}/user/installations/${installation.id}/repositories?per_page=100&page=${page}`, token, repositoriesAnswer);
      for (const repo of answer.repositories) {
        const permissions = repo.permissions ?? {};
        if (permissions.admin || permissions.maintain || permissions.push) repos.add(repo.full_name);
      }
      if (answer.repositories.length < 100) break;
    }
  }
  return { login, repos: [...repos].sort() };
}
