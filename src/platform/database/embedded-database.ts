import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { join } from 'node:path';
import { DataDirLock } from './data-dir-lock';

/**
 * PostgreSQL's memory settings for the embedded database, sized for a development machine or a small single node
 * (PostgreSQL's defaults assume a server: 128 MB of shared buffers, which WebAssembly memory never gives back).
 * docs/configuration.md, « Base embarquée : mémoire ».
 */
export const EMBEDDED_POSTGRES_SETTINGS = [
  'shared_buffers = 16MB',
  'work_mem = 2MB',
  'maintenance_work_mem = 16MB',
  'temp_buffers = 2MB',
  'wal_buffers = 1MB',
];

export interface EmbeddedDatabaseOptions {
  /** Keep the data under this folder; omitted: in memory (tests). */
  dataDir?: string;
  /** Start from this `dumpDataDir()` archive (tests clone a migrated template this way). */
  loadDataDir?: Blob;
}

/**
 * PostgreSQL compiled to WebAssembly (PGlite), served on a loopback port so that the ordinary `pg` driver, TypeORM
 * and the migrations reach it exactly as they reach a server.
 *
 * PGlite is one PostgreSQL session. The socket server accepts a single connection: with several, the messages of two
 * clients' extended-protocol queries can interleave in that one session. The platform therefore uses a pool of one
 * connection on the embedded database, and code must never hold a transaction open while awaiting another query
 * outside it (it would wait for itself).
 */
export class EmbeddedDatabase {
  private constructor(
    readonly url: string,
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly lock: DataDirLock | undefined,
  ) {}

  static async start(options: EmbeddedDatabaseOptions = {}): Promise<EmbeddedDatabase> {
    const lock = options.dataDir ? DataDirLock.acquire(options.dataDir) : undefined;
    try {
      const db = await PGlite.create({
        dataDir: options.dataDir ? join(options.dataDir, 'pgdata') : undefined,
        loadDataDir: options.loadDataDir,
        postgresqlconf: EMBEDDED_POSTGRES_SETTINGS,
      });
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
      await server.start();
      const url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
      return new EmbeddedDatabase(url, db, server, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** A tar archive of the whole database, loadable with `loadDataDir`. */
  async dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
      await this.db.close();
    } finally {
      this.lock?.release();
    }
  }
}
