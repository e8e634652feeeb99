import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../errors/startup-error';

/**
 * An exclusive claim on a data folder by this process, so that two processes never open the same embedded database
 * (PGlite has no lock of its own, and two writers would corrupt it). The lock file holds the owner's pid; a lock left
 * by a process that no longer runs (a hard kill) is taken over.
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string, what = 'la base de données embarquée'): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'embedded-database.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx', 0o600);
        writeSync(fd, String(process.pid));
        closeSync(fd);
        return new DataDirLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(file);
      if (owner !== undefined && owner !== process.pid && isRunning(owner)) {
        throw new StartupError(
          `Le dossier de données ${dataDir} est déjà utilisé par un autre processus (pid ${owner}) qui a ouvert ${what}. ` +
            'Arrêtez-le d’abord, ou donnez un autre DATA_DIR, ou utilisez un serveur PostgreSQL (DATABASE_URL).',
        );
      }
      // Stale lock from a process that died without releasing it: remove it and try once more.
      try {
        unlinkSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new StartupError(`Impossible de prendre le verrou ${file} : un autre processus démarre en même temps.`);
  }

  release(): void {
    try {
      if (readOwner(this.file) === process.pid) unlinkSync(this.file);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
