import { describe, expect, it } from 'vitest';
import { SbError } from '../../src/errors.js';
import { backoffDelayMs, describeJobError, planRetry } from '../../src/queue/backoff.js';

const options = { baseMs: 100, maxMs: 1_000 };

describe('backoffDelayMs', () => {
  it('doubles per try between half and all of the exponential delay', () => {
    expect(backoffDelayMs(1, options, () => 0)).toBe(50);
    expect(backoffDelayMs(1, options, () => 1)).toBe(100);
    expect(backoffDelayMs(2, options, () => 0)).toBe(100);
    expect(backoffDelayMs(3, options, () => 1)).toBe(400);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelayMs(20, options, () => 1)).toBe(1_000);
    expect(backoffDelayMs(20, options, () => 0)).toBe(500);
  });
});

describe('planRetry', () => {
  it('retries plain errors until the last try', () => {
    expect(planRetry(new Error('x'), 1, 3, options, () => 0)).toEqual({ retry: true, delayMs: 50 });
    expect(planRetry(new Error('x'), 3, 3, options)).toEqual({ retry: false, reason: 'attempts-exhausted' });
  });

  it('does not retry errors the catalogue marks as final', () => {
    expect(planRetry(new SbError('GITHUB_NOT_FOUND'), 1, 5, options)).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it('waits at least the Retry-After GitHub gave, even past the cap', () => {
    const limited = new SbError('GITHUB_RATE_LIMITED', undefined, { retryAfterSeconds: 30 });
    expect(planRetry(limited, 1, 5, options, () => 0)).toEqual({ retry: true, delayMs: 30_000 });
  });
});

describe('describeJobError', () => {
  it('puts the stable code first for catalogued errors', () => {
    expect(describeJobError(new SbError('GITHUB_FORBIDDEN', 'labels'))).toBe('GITHUB_FORBIDDEN: GitHub refused the request (permissions): labels');
    expect(describeJobError(new Error('plain'))).toBe('plain');
    expect(describeJobError('thrown string')).toBe('thrown string');
  });
});
