import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `entry` (a name without extension, resolved next to
 * `callerUrl`). From compiled JavaScript the thread loads `entry.js` directly; from TypeScript
 * source (tests, tsx) it first registers tsx's loader, which a worker's execArgv cannot do.
 */
export function startModuleWorker(entry: string, callerUrl: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`${entry}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (!fromSource) return new Worker(url, options);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
