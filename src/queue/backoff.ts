import { SbError, isRetryable } from '../errors.js';

export interface BackoffOptions {
  /** Delay after the first failed try. */
  baseMs: number;
  /** No computed delay exceeds this (a server's own Retry-After may). */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000 };

/**
 * Delay before the next try once try number `attempt` (1-based) failed: base·2^(attempt-1),
 * capped, with "equal jitter" (half fixed, half random) so jobs that failed together, e.g. during
 * one GitHub outage, do not all come back in the same instant, yet never retry almost at once.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponential = options.baseMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(options.maxMs, exponential);
  return Math.round(capped / 2 + random() * (capped / 2));
}

export type RetryPlan =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'not-retryable' | 'attempts-exhausted' };

/** What to do after try number `attempt` of `maxAttempts` failed with `error`. */
export function planRetry(
  error: unknown,
  attempt: number,
  maxAttempts: number,
  backoff: BackoffOptions,
  random: () => number = Math.random,
): RetryPlan {
  if (!isRetryable(error)) return { retry: false, reason: 'not-retryable' };
  if (attempt >= maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
  const computed = backoffDelayMs(attempt, backoff, random);
  // When GitHub says how long to wait, waiting less only earns another rate-limit answer.
  const askedMs = error instanceof SbError && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : 0;
  return { retry: true, delayMs: Math.max(computed, Math.ceil(askedMs)) };
}

/** The text kept as a job's lastError: the stable code first when there is one. */
export function describeJobError(error: unknown): string {
  if (error instanceof SbError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
