import { parentPort, workerData } from 'node:worker_threads';
import { trainAndCompare, type TrainingJob } from './train-and-compare.js';

/** Worker-thread entry: one training job in, its result out. */
parentPort?.postMessage(trainAndCompare(workerData as TrainingJob));
