import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../log.js';
import { webUrlOf, type GithubOauthConfig } from './github-oauth.js';

/** Who may open the dashboard, decided once from the configuration. */
export interface DashboardAccess {
  /** Sign-in with this shared token (self-hosted default). */
  dashboardToken: string | null;
  /** Signs session cookies and derives CSRF tokens. */
  sessionSecret: string;
  /** Sign-in with GitHub (the App's OAuth client), when configured. */
  github: GithubOauthConfig | null;
  /** Base URL GitHub redirects back to; else taken from the request. */
  publicUrl: string | null;
  /** Dry-run on loopback with no way to sign in: whoever reaches the port is the local operator. */
  openLocally: boolean;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function dashboardAccess(config: AppConfig, logger: Logger): DashboardAccess {
  const github =
    config.github.clientId && config.github.clientSecret
      ? { clientId: config.github.clientId, clientSecret: config.github.clientSecret, apiUrl: config.github.apiUrl, webUrl: webUrlOf(config.github.apiUrl) }
      : null;
  if (!config.sessionSecret) {
    logger.warn('SESSION_SECRET is not set: dashboard sessions use a random per-process secret and end when the process restarts');
  }
  const openLocally = config.dryRun && !config.dashboardToken && !github && isLoopbackHost(config.host);
  if (openLocally) {
    logger.warn({ host: config.host }, 'DRY-RUN: the dashboard has no sign-in (no DASHBOARD_TOKEN) and listens on loopback only');
  } else if (!config.dashboardToken && !github) {
    logger.warn('the dashboard is locked: set DASHBOARD_TOKEN or GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET to sign in');
  }
  return {
    dashboardToken: config.dashboardToken,
    sessionSecret: config.sessionSecret ?? randomBytes(32).toString('base64url'),
    github,
    publicUrl: config.publicUrl,
    openLocally,
  };
}
