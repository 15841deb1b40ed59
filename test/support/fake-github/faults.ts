/**
 * Failures the fake GitHub injects: scripted ones (`failNext`) for precise tests, and seeded
 * random ones for soak runs, so a failing run can be replayed with the same seed.
 */
import { seededRandom } from '../../../src/classify/random.js';

export interface ScriptedFailure {
  method: string;
  /** Matches the spec route template (`/repos/{owner}/{repo}/issues/{issue_number}/comments`), the exact path, or a RegExp on the path. */
  pathPattern: string | RegExp;
  status: number;
  headers?: Record<string, string>;
  message?: string;
}

export interface FaultPlan {
  /** Share of requests answered 500. */
  rate?: number;
  /** Share answered 403 with `retry-after: 1` and GitHub's secondary rate limit message. */
  secondaryRateLimitRate?: number;
  /** Share answered 429 with `retry-after: 1` and an exhausted primary quota. */
  tooManyRequestsRate?: number;
  /** One-shot failures, each used by the first request it matches. */
  failNext?: ScriptedFailure[];
  seed?: number;
}

export interface InjectedFault {
  kind: 'scripted' | 'server-error' | 'secondary-rate-limit' | 'too-many-requests';
  status: number;
  headers: Record<string, string>;
  body: { message: string; documentation_url: string };
}


const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';
const DOCS = 'https://docs.github.com/rest';

export class FaultInjector {
  private plan: FaultPlan = {};
  private scripted: ScriptedFailure[] = [];
  private random: () => number = seededRandom(1);

  set(plan: FaultPlan): void {
    this.plan = { ...plan };
    this.scripted = [...(plan.failNext ?? [])];
    this.random = seededRandom(plan.seed ?? 1);
  }

  /** Queues more one-shot failures without touching the random rates. */
  failNext(...failures: ScriptedFailure[]): void {
    this.scripted.push(...failures);
  }

  current(): FaultPlan {
    return { ...this.plan, failNext: [...this.scripted] };
  }

  /** The fault to answer this request with, or null to serve it. */
  next(method: string, path: string, template: string | null, nowMs: number = Date.now()): InjectedFault | null {
    const index = this.scripted.findIndex((failure) => failure.method.toUpperCase() === method && matches(failure.pathPattern, path, template));
    if (index >= 0) {
      const [failure] = this.scripted.splice(index, 1) as [ScriptedFailure];
      return { kind: 'scripted', status: failure.status, headers: failure.headers ?? {}, body: { message: failure.message ?? defaultMessage(failure.status), documentation_url: DOCS } };
    }
    const { rate = 0, secondaryRateLimitRate = 0, tooManyRequestsRate = 0 } = this.plan;
    if (rate + secondaryRateLimitRate + tooManyRequestsRate <= 0) return null;
    const draw = this.random();
    if (draw < rate) return { kind: 'server-error', status: 500, headers: {}, body: { message: 'Server Error', documentation_url: DOCS } };
    if (draw < rate + secondaryRateLimitRate) {
      return { kind: 'secondary-rate-limit', status: 403, headers: { 'retry-after': '1' }, body: { message: SECONDARY_MESSAGE, documentation_url: DOCS } };
    }
    if (draw < rate + secondaryRateLimitRate + tooManyRequestsRate) {
      // The quota "resets" this very second, so clients that wait for the reset wait about one second.
      const reset = Math.floor(nowMs / 1000);
      return {
        kind: 'too-many-requests',
        status: 429,
        headers: { 'retry-after': '1', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        body: { message: 'API rate limit exceeded for installation.', documentation_url: DOCS },
      };
    }
    return null;
  }
}

function matches(pattern: string | RegExp, path: string, template: string | null): boolean {
  if (pattern instanceof RegExp) return pattern.test(path);
  return pattern === template || pattern === path;
}

function defaultMessage(status: number): string {
  if (status === 404) return 'Not Found';
  if (status === 403) return 'Resource not accessible by integration';
  if (status === 422) return 'Validation Failed';
  if (status >= 500) return 'Server Error';
  return 'Injected failure';
}
