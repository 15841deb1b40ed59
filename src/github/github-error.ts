import { SbError } from '../errors.js';

/** The parts of an Octokit `RequestError` we read; duck-typed so any HTTP error shape works. */
interface HttpFailure {
  status?: unknown;
  message?: unknown;
  response?: { headers?: Record<string, unknown>; data?: unknown };
}

function headerOf(failure: HttpFailure, name: string): string | undefined {
  const value = failure.response?.headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

/** GitHub says how long to wait either as `retry-after` seconds or as the reset epoch second. */
export function retryAfterSecondsOf(failure: HttpFailure, nowMs: number = Date.now()): number | undefined {
  const retryAfter = Number(headerOf(failure, 'retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter;
  const reset = Number(headerOf(failure, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, Math.ceil(reset - nowMs / 1000));
  return undefined;
}

function isRateLimit(failure: HttpFailure, status: number): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  if (headerOf(failure, 'x-ratelimit-remaining') === '0' || headerOf(failure, 'retry-after') !== undefined) return true;
  return /rate limit/i.test(String(failure.message ?? ''));
}

/** Octokit reports a connection failure as status 500 with no response at all. */
function isNetworkFailure(failure: HttpFailure): boolean {
  return failure.response === undefined;
}

/**
 * Translates whatever Octokit threw into the catalogue, so callers decide on retries by code
 * and never need to know HTTP. The original error stays as `cause` (Octokit has already
 * redacted the authorization header from it).
 */
export function toSbError(error: unknown, operation: string): SbError {
  if (error instanceof SbError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as HttpFailure;
  const status = typeof failure.status === 'number' ? failure.status : undefined;
  const detail = `${operation}${status ? ` (HTTP ${status})` : ''}`;
  if (status === undefined || isNetworkFailure(failure)) return new SbError('GITHUB_NETWORK', detail, { cause: error });
  if (isRateLimit(failure, status)) {
    return new SbError('GITHUB_RATE_LIMITED', detail, { cause: error, httpStatus: status, retryAfterSeconds: retryAfterSecondsOf(failure) });
  }
  if (status >= 500) return new SbError('GITHUB_UNAVAILABLE', detail, { cause: error, httpStatus: status });
  if (status === 401 || status === 403) return new SbError('GITHUB_FORBIDDEN', detail, { cause: error, httpStatus: status });
  if (status === 404 || status === 410) return new SbError('GITHUB_NOT_FOUND', detail, { cause: error, httpStatus: status });
  // 400, 409, 422…: GitHub will not accept the request as sent, so retrying it unchanged cannot help.
  return new SbError('GITHUB_UNPROCESSABLE', detail, { cause: error, httpStatus: status });
}

/** True when GitHub reported a 422 whose errors are all "already exists" (e.g. a label race). */
export function isAlreadyExists(error: unknown): boolean {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as HttpFailure;
  if (failure.status !== 422) return false;
  const data = failure.response?.data as { errors?: Array<{ code?: unknown }> } | undefined;
  const errors = Array.isArray(data?.errors) ? data.errors : [];
  return errors.length > 0 && errors.every((entry) => entry?.code === 'already_exists');
}

/** GitHub's 404 for removing a label the issue does not have, as opposed to a missing issue. */
export function isLabelNotOnIssue(error: unknown): boolean {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as HttpFailure;
  return failure.status === 404 && /label does not exist/i.test(String(failure.message ?? ''));
}
