import { parentPort } from 'node:worker_threads';
import { pageTerms } from './page-terms.js';
import type { TermRequest, TermResponse } from './term-threads.js';

/** Worker-thread entry: pages of issue text in, their counted terms out. */
parentPort?.on('message', ({ id, texts }: TermRequest) => {
  const response: TermResponse = { id, ...pageTerms(texts) };
  parentPort?.postMessage(response, [response.offsets.buffer, response.counts.buffer]);
});
