import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { IssueText } from '../classify/types.js';
import { startModuleWorker } from '../threads/module-worker.js';
import type { PageTerms } from './page-terms.js';

export interface TermRequest {
  id: number;
  texts: IssueText[];
}

export interface TermResponse extends PageTerms {
  id: number;
}

/** A counted page and the thread that counted it: each thread's vocabulary is its own. */
export interface CountedPage {
  thread: number;
  terms: PageTerms;
}

interface Pending {
  thread: number;
  resolve: (page: CountedPage) => void;
  reject: (error: Error) => void;
}

/** One thread per core: the main thread meanwhile reads the store and fills the index. */
export function defaultTermThreadCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

/**
 * A small pool of threads that tokenize issue text for the similar-issue index. Tokenizing is
 * most of a rebuild's time, and it shares nothing, so it spreads over the cores.
 */
export class TermThreads {
  private readonly pending = new Map<number, Pending>();
  private readonly load = new Map<Worker, Set<number>>();
  private readonly threadOf = new Map<Worker, number>();
  private nextId = 0;

  private constructor(workers: Worker[]) {
    for (const [thread, worker] of workers.entries()) {
      this.load.set(worker, new Set());
      this.threadOf.set(worker, thread);
      worker.on('message', (response: TermResponse) => this.settle(worker, response));
      worker.on('error', (error) => this.fail(worker, error));
      worker.on('exit', (code) => this.fail(worker, new Error(`term thread exited with code ${code}`)));
    }
  }

  static start(count = defaultTermThreadCount()): TermThreads {
    return new TermThreads(Array.from({ length: count }, () => startModuleWorker('./term-thread', import.meta.url)));
  }

  /** The page counted on the least busy thread (`PageTermCounter.count`, that thread's counter). */
  count(texts: readonly IssueText[]): Promise<CountedPage> {
    const id = this.nextId++;
    const worker = this.leastBusy();
    this.load.get(worker)!.add(id);
    const request: TermRequest = { id, texts: texts.map(({ title, body }) => ({ title, body })) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { thread: this.threadOf.get(worker)!, resolve, reject });
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const workers = [...this.load.keys()];
    this.load.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private leastBusy(): Worker {
    let best: Worker | undefined;
    for (const [worker, ids] of this.load) if (!best || ids.size < this.load.get(best)!.size) best = worker;
    if (!best) throw new Error('term threads are closed');
    return best;
  }

  private settle(worker: Worker, { id, ...terms }: TermResponse): void {
    this.load.get(worker)?.delete(id);
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    waiting?.resolve({ thread: waiting.thread, terms });
  }

  /** A thread that dies takes its requests with it: they fail rather than wait forever. */
  private fail(worker: Worker, error: Error): void {
    const ids = this.load.get(worker);
    if (!ids) return;
    this.load.delete(worker);
    for (const id of ids) {
      this.pending.get(id)?.reject(error);
      this.pending.delete(id);
    }
  }
}
