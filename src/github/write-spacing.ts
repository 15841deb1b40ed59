import { setTimeout as sleep } from 'node:timers/promises';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';

/** The limiter group type plugin-throttling accepts for its write and notification lanes. */
export type ThrottleGroup = NonNullable<ThrottlingOptions['write']>;

/**
 * A stand-in for the Bottleneck group plugin-throttling keeps per lane: it starts scheduled
 * jobs at least `minIntervalMs` apart. The plugin's own groups are process-global with fixed
 * spacing (1 s between writes, 3 s between comments); owning the groups lets each tracker keep
 * GitHub's recommended pace in production and lets tests run without the pauses.
 * plugin-throttling only ever calls `group.key(id).schedule(options, fn, ...args)`.
 */
export function createSpacingGroup(minIntervalMs: number): ThrottleGroup {
  const nextStartById = new Map<string, number>();
  const group = {
    key(id = '') {
      return {
        schedule<T>(_jobOptions: unknown, job: (...args: unknown[]) => T | Promise<T>, ...args: unknown[]): Promise<T> {
          const now = Date.now();
          const startAt = Math.max(now, nextStartById.get(id) ?? 0);
          nextStartById.set(id, startAt + minIntervalMs);
          return (startAt > now ? sleep(startAt - now) : Promise.resolve()).then(() => job(...args));
        },
      };
    },
  };
  return group as unknown as ThrottleGroup;
}
