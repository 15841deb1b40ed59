import { Worker } from 'node:worker_threads';
import type { TrainingJob, TrainingResult } from './train-and-compare.js';

/**
 * Runs a training job on a worker thread. From compiled JavaScript the thread loads its entry
 * directly; from TypeScript source (tests, tsx) it first registers tsx's loader, which a worker's
 * execArgv cannot do.
 */
export function trainOffThread(job: TrainingJob): Promise<TrainingResult> {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './training-thread.ts' : './training-thread.js', import.meta.url);
  const worker = fromSource
    ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true, workerData: job })
    : new Worker(entry, { workerData: job });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: TrainingResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`training thread exited with code ${code}`));
    });
  });
}
