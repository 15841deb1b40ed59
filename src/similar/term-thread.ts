import { parentPort } from 'node:worker_threads';
import { PageTermCounter } from './page-terms.js';
import type { TermRequest, TermResponse } from './term-threads.js';

/** Worker-thread entry: pages of issue text in, their counted terms out, against this thread's own vocabulary. */
const counter = new PageTermCounter();
parentPort?.on('message', ({ id, texts }: TermRequest) => {
  const response: TermResponse = { id, ...counter.count(texts) };
  parentPort?.postMessage(response, [response.offsets.buffer, response.counts.buffer]);
});
