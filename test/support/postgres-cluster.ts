import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';

/** A throw-away PostgreSQL cluster in a temporary folder, tuned for tests (no fsync), gone after `stop()`. */
export interface ThrowawayCluster {
  /** Superuser URL on the `postgres` database. */
  adminUrl: string;
  version: string;
  /** Stops the server and keeps its data (an outage); `resume()` starts it again on the same port. */
  pause(): void;
  resume(): void;
  stop(): void;
}

/** Where the PostgreSQL server binaries are, or `undefined` when they are not installed. */
export function findPostgresBinaries(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export async function startThrowawayCluster(binaries: string): Promise<ThrowawayCluster> {
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` system user.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? systemUser('postgres') : undefined;
  if (asRoot && !owner)
    throw new Error('Les tests tournent en root et l’utilisateur système « postgres » n’existe pas.');
  const dir = mkdtempSync(join(tmpdir(), 'platform-test-pg-'));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const run = (tool: string, args: string[]) => {
    const command = owner ? 'runuser' : join(binaries, tool);
    const fullArgs = owner ? ['-u', 'postgres', '--', join(binaries, tool), ...args] : args;
    return execFileSync(command, fullArgs, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir }).toString();
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  const start = () =>
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  start();
  const version = run('postgres', ['--version']).trim();
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    version,
    pause() {
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    resume: start,
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already stopped (a test paused it and failed before resuming it).
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}
