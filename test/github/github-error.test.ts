import { describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import { isAlreadyExists, isLabelNotOnIssue, retryAfterSecondsOf, toSbError } from '../../src/github/github-error.js';

function httpError(status: number, options: { message?: string; headers?: Record<string, string>; data?: unknown } = {}) {
  return Object.assign(new Error(options.message ?? `HTTP ${status}`), { status, response: { headers: options.headers ?? {}, data: options.data } });
}

describe('toSbError', () => {
  it.each([
    ['a 500', httpError(500), 'GITHUB_UNAVAILABLE', true],
    ['a 503', httpError(503), 'GITHUB_UNAVAILABLE', true],
    ['a 429', httpError(429, { headers: { 'retry-after': '30' } }), 'GITHUB_RATE_LIMITED', true],
    ['a 403 with an exhausted quota', httpError(403, { headers: { 'x-ratelimit-remaining': '0' } }), 'GITHUB_RATE_LIMITED', true],
    ['a 403 secondary rate limit', httpError(403, { message: 'You have exceeded a secondary rate limit' }), 'GITHUB_RATE_LIMITED', true],
    ['a 403 for permissions', httpError(403, { message: 'Resource not accessible by integration' }), 'GITHUB_FORBIDDEN', false],
    ['a 401', httpError(401, { message: 'Bad credentials' }), 'GITHUB_FORBIDDEN', false],
    ['a 404', httpError(404), 'GITHUB_NOT_FOUND', false],
    ['a 410', httpError(410), 'GITHUB_NOT_FOUND', false],
    ['a 422', httpError(422), 'GITHUB_UNPROCESSABLE', false],
    ['a 400', httpError(400), 'GITHUB_UNPROCESSABLE', false],
    ['a failure with no response', Object.assign(new Error('fetch failed'), { status: 500 }), 'GITHUB_NETWORK', true],
    ['a plain error', new Error('socket hang up'), 'GITHUB_NETWORK', true],
  ])('maps %s', (_name, error, code, retryable) => {
    const mapped = toSbError(error, 'read issue #1');
    expect(mapped).toMatchObject({ code, retryable });
    expect(mapped.message).toContain('read issue #1');
    expect(mapped.cause).toBe(error);
  });

  it('passes an SbError through unchanged', () => {
    const original = new SbError('GITHUB_UNPROCESSABLE', 'bad shape');
    expect(toSbError(original, 'anything')).toBe(original);
  });

  it('carries the wait GitHub asked for', () => {
    expect(toSbError(httpError(429, { headers: { 'retry-after': '17' } }), 'x').retryAfterSeconds).toBe(17);
    const resetIn90s = String(Math.floor(Date.now() / 1000) + 90);
    expect(retryAfterSecondsOf(httpError(403, { headers: { 'x-ratelimit-reset': resetIn90s } }))).toBeGreaterThanOrEqual(89);
    expect(retryAfterSecondsOf(httpError(500))).toBeUndefined();
  });
});

describe('recognising benign failures', () => {
  it('knows a label race (422 already_exists) from other validation failures', () => {
    expect(isAlreadyExists(httpError(422, { data: { errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] } }))).toBe(true);
    expect(isAlreadyExists(httpError(422, { data: { errors: [{ resource: 'Label', code: 'invalid', field: 'color' }] } }))).toBe(false);
    expect(isAlreadyExists(httpError(422, { data: {} }))).toBe(false);
  });

  it('knows "label not on the issue" from a missing issue', () => {
    expect(isLabelNotOnIssue(httpError(404, { message: 'Label does not exist' }))).toBe(true);
    expect(isLabelNotOnIssue(httpError(404, { message: 'Not Found' }))).toBe(false);
  });
});
