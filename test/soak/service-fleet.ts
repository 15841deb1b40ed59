import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceRole } from '../../src/service.js';
import { repoRoot } from '../support/shared-dir.js';

/** One `supportbot serve --role …` child process, with what its log said. */
export interface RoleProcess {
  name: string;
  role: ServiceRole;
  /** The PORT it was given (a worker is given one too, to show it does not listen). */
  port: number | null;
  child: ChildProcess;
  /** How many log lines carried each message (`msg`), for checks such as "the web role triaged nothing". */
  messages: Map<string, number>;
  /** The last lines of output, for failure reports. */
  tail: string[];
  /** Resolves once the service logged that it started; rejects if it exited first. */
  started: Promise<void>;
  exited: Promise<number | null>;
}

const tailLines = 200;

/** Counts the JSON log lines of one process by message; non-JSON output goes to the tail only. */
function logReader(target: Pick<RoleProcess, 'messages' | 'tail'>, onMessage: (msg: string) => void) {
  let pending = '';
  return (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      target.tail.push(line);
      if (target.tail.length > tailLines) target.tail.shift();
      if (!line.startsWith('{')) continue;
      try {
        const msg = (JSON.parse(line) as { msg?: unknown }).msg;
        if (typeof msg === 'string') {
          target.messages.set(msg, (target.messages.get(msg) ?? 0) + 1);
          onMessage(msg);
        }
      } catch {
        // a partial or foreign line: kept in the tail only
      }
    }
  };
}

/**
 * Starts `supportbot serve --role <role>` from source, as an operator would run it. With `logDir`,
 * the whole output also goes to `<logDir>/<name>.log` for a post-mortem.
 */
export function spawnRole(name: string, role: ServiceRole, env: Record<string, string>, logDir?: string): RoleProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src', 'cli', 'index.ts'), 'serve', '--role', role], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DOTENV_CONFIG_QUIET: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let markStarted!: () => void;
  const started = new Promise<void>((resolve, reject) => {
    markStarted = resolve;
    void exited.then((code) => reject(new Error(`${name} exited with code ${code} before it started:\n${proc.tail.join('\n')}`)));
  });
  // Callers that never await `started` must not see an unhandled rejection when the process ends.
  started.catch(() => undefined);
  const proc: RoleProcess = { name, role, port: env.PORT ? Number(env.PORT) : null, child, messages: new Map(), tail: [], started, exited };
  const read = logReader(proc, (msg) => {
    if (msg === 'supportbot started') markStarted();
  });
  child.stdout?.on('data', read);
  child.stderr?.on('data', read);
  if (logDir) {
    const file = fs.createWriteStream(path.join(logDir, `${name}.log`));
    child.stdout?.pipe(file);
    child.stderr?.pipe(file);
  }
  return proc;
}

/** Ends a child for good, whatever state it is in; used in `finally` blocks. */
export async function killHard(proc: RoleProcess): Promise<void> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  await proc.exited;
}
