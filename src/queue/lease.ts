import type { Logger } from '../log.js';

/** A try longer than this many leases is taken as stuck, not slow. */
export const maxLeasesPerJob = 10;

/**
 * Renews the lease of a running job while its worker lives, so only a dead (or frozen) worker
 * loses its job. Without it a job that outlasts the lease, e.g. while GitHub answers 500s and
 * the client backs off, is taken again by another worker while the first still runs, and both
 * post the reply: the reply claim belongs to the delivery, which both tries share. Renewal stops
 * after `maxLeasesPerJob` leases, so a try stuck for good (a call that never returns) still
 * hands its job on; its late outcome is then fenced off like a dead worker's. Returns a stop function.
 */
export function keepLeaseAlive(options: { jobId: string; attempt: number; leaseMs: number; renew: () => void | Promise<void>; logger?: Logger }): () => void {
  const { jobId, attempt, leaseMs, renew, logger } = options;
  const renewUntil = Date.now() + leaseMs * (maxLeasesPerJob - 1);
  const timer = setInterval(() => {
    if (Date.now() >= renewUntil) {
      clearInterval(timer);
      logger?.warn({ jobId, attempt, leases: maxLeasesPerJob }, 'job runs too long: no longer renewing its lease');
      return;
    }
    Promise.resolve()
      .then(renew)
      .catch((error: unknown) => logger?.warn({ err: error, jobId }, 'job queue: could not renew a lease'));
  }, Math.max(100, Math.floor(leaseMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}
