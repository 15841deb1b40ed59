import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PgCluster {
  /** The cluster's default test database. */
  connectionString: string;
  /** Creates another empty database on the same cluster, for suites that need isolation. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export const pgMissingMessage =
  'skipped: PostgreSQL server binaries (initdb, pg_ctl) not found; install the `postgresql` package or set PG_BIN_DIR';

const superuser = 'supportbot';

function hasServerBinaries(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'));
}

function newestVersionedBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (hasServerBinaries(dir)) return dir;
  }
  return null;
}

function binDirFromPgConfig(): string | null {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return hasServerBinaries(dir) ? dir : null;
  } catch {
    return null;
  }
}

function binDirFromPath(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && hasServerBinaries(dir)) return dir;
  }
  return null;
}

/** Where initdb and pg_ctl live, or null when the PostgreSQL server is not installed. */
export function pgBinDir(): string | null {
  const explicit = process.env.PG_BIN_DIR;
  if (explicit) return hasServerBinaries(explicit) ? explicit : null;
  return newestVersionedBinDir() ?? binDirFromPgConfig() ?? binDirFromPath();
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function numericId(flag: '-u' | '-g', user: string): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}

/** initdb and postgres refuse to run as root, so as root we hand the cluster to an ordinary user. */
function serverUser(): string | null {
  if (process.getuid?.() !== 0) return null;
  const user = ['postgres', 'nobody'].find(userExists);
  if (!user) throw new Error('running as root, but neither the `postgres` nor the `nobody` user exists to run PostgreSQL');
  return user;
}

function commandFor(user: string | null, binary: string, args: string[]): [string, string[]] {
  return user ? ['runuser', ['-u', user, '--', binary, ...args]] : [binary, args];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Settings that trade durability for start-up and test speed: the cluster is thrown away. */
const throwawaySettings = [
  'fsync=off',
  'synchronous_commit=off',
  'full_page_writes=off',
  'max_connections=100',
  'shared_buffers=32MB',
  'max_wal_size=256MB',
];

/**
 * Starts a throwaway PostgreSQL cluster in a temporary folder, listening on a free loopback
 * port with its unix socket in the same folder. `stop()` shuts it down and deletes the folder;
 * a process that exits without calling it still stops the server.
 */
export async function startPgCluster(): Promise<PgCluster> {
  const binDir = pgBinDir();
  if (!binDir) throw new Error(pgMissingMessage);
  const user = serverUser();
  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'supportbot-pg-'));
  const dataDir = path.join(baseDir, 'data');
  const socketDir = path.join(baseDir, 'socket');
  fs.mkdirSync(socketDir);
  if (user) {
    const uid = numericId('-u', user);
    const gid = numericId('-g', user);
    for (const dir of [baseDir, socketDir]) fs.chownSync(dir, uid, gid);
  }
  const exec = (binary: string, args: string[]) => {
    const [command, commandArgs] = commandFor(user, path.join(binDir, binary), args);
    return run(command, commandArgs, { cwd: baseDir });
  };

  await exec('initdb', ['-D', dataDir, '-U', superuser, '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C']);

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const options = [`-p ${port}`, `-k ${socketDir}`, "-c listen_addresses='127.0.0.1'", ...throwawaySettings.map((s) => `-c ${s}`)];
    try {
      await exec('pg_ctl', ['start', '-w', '-t', '60', '-D', dataDir, '-l', path.join(baseDir, 'server.log'), '-o', options.join(' ')]);
      break;
    } catch (error) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= 3) {
        const log = fs.existsSync(path.join(baseDir, 'server.log')) ? fs.readFileSync(path.join(baseDir, 'server.log'), 'utf8') : '';
        fs.rmSync(baseDir, { recursive: true, force: true });
        throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
      }
    }
  }

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    const [command, args] = commandFor(user, path.join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
    try {
      execFileSync(command, args, { stdio: 'ignore' });
    } finally {
      fs.rmSync(baseDir, { recursive: true, force: true });
    }
  };
  process.once('exit', stopNow);

  const urlFor = (database: string) => `postgres://${superuser}@127.0.0.1:${port}/${database}`;
  const createDatabase = async (name: string): Promise<string> => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return urlFor(name);
  };

  const connectionString = await createDatabase('supportbot_test');
  return {
    connectionString,
    createDatabase,
    async stop() {
      process.removeListener('exit', stopNow);
      if (stopped) return;
      stopped = true;
      try {
        await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
      } finally {
        fs.rmSync(baseDir, { recursive: true, force: true });
      }
    },
  };
}
