import { startModuleWorker } from '../threads/module-worker.js';
import type { TrainingJob, TrainingResult } from './train-and-compare.js';

/** Runs a training job on a worker thread, so retraining never stalls webhook acknowledgements. */
export function trainOffThread(job: TrainingJob): Promise<TrainingResult> {
  const worker = startModuleWorker('./training-thread', import.meta.url, { workerData: job });
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
