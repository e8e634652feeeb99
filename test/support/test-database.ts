import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EmbeddedDatabase } from '../../src/platform/database/embedded-database';
import { dataSourceOptions } from '../../src/platform/database/data-source-options';
import type { DatabaseEndpoint } from '../../src/platform/database/database-endpoint';

/**
 * The test databases. `test/run.ts` prepares a migrated template once, then each test file clones it:
 * - on a PostgreSQL server (`TEST_DATABASE_URL`, or the throw-away cluster): `CREATE DATABASE … TEMPLATE …`;
 * - on the embedded database: a fresh in-memory PGlite loaded from the template's archive.
 */
export const TEMPLATE_DATABASE = 'platform_test_template';

export interface TestDatabase {
  endpoint: DatabaseEndpoint;
  url: string;
  /** Drops the clone (server) or stops the in-memory database (embedded). */
  drop(): Promise<void>;
}

type Mode = { kind: 'server'; adminUrl: string } | { kind: 'embedded'; archive: string };

function mode(): Mode {
  const kind = process.env.TEST_DB_MODE;
  if (kind === 'server' && process.env.TEST_DB_ADMIN_URL) return { kind, adminUrl: process.env.TEST_DB_ADMIN_URL };
  if (kind === 'embedded' && process.env.TEST_DB_ARCHIVE) return { kind, archive: process.env.TEST_DB_ARCHIVE };
  throw new Error('Base de test non préparée : lancez les tests avec `npm test` (test/run.ts prépare la base modèle).');
}

export function usesEmbeddedDatabase(): boolean {
  return process.env.TEST_DB_MODE === 'embedded';
}

/** A clone of the migrated template, private to the caller. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase({ migrated: true });
}

/** An empty database (no migrations), for the tests of the migrations themselves. */
export function createEmptyDatabase(): Promise<TestDatabase> {
  return createDatabase({ migrated: false });
}

async function createDatabase({ migrated }: { migrated: boolean }): Promise<TestDatabase> {
  const current = mode();
  if (current.kind === 'embedded') {
    const embedded = await EmbeddedDatabase.start(
      migrated ? { loadDataDir: new Blob([readFileSync(current.archive)]) } : {},
    );
    const endpoint: DatabaseEndpoint = {
      url: embedded.url,
      poolSize: 1,
      embedded: false,
      close: async () => undefined,
    };
    return { endpoint, url: embedded.url, drop: () => embedded.stop() };
  }
  const name = `platform_test_${randomBytes(6).toString('hex')}`;
  const template = migrated ? ` TEMPLATE "${TEMPLATE_DATABASE}"` : '';
  await withAdmin(current.adminUrl, (admin) => admin.query(`CREATE DATABASE "${name}"${template}`));
  const url = databaseUrl(current.adminUrl, name);
  return {
    endpoint: { url, poolSize: 5, embedded: false, close: async () => undefined },
    url,
    drop: async () => {
      await withAdmin(current.adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Creates the migrated template on a server (dropping an older one). */
export async function prepareServerTemplate(adminUrl: string): Promise<void> {
  await withAdmin(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  });
  await migrate(databaseUrl(adminUrl, TEMPLATE_DATABASE), 2);
}

/** Creates the migrated template of the embedded database, as an archive that each test file loads. */
export async function prepareEmbeddedTemplate(): Promise<Blob> {
  const embedded = await EmbeddedDatabase.start();
  try {
    await migrate(embedded.url, 1);
    return await embedded.dump();
  } finally {
    await embedded.stop();
  }
}

export async function dropServerTemplate(adminUrl: string): Promise<void> {
  await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DATABASE}" WITH (FORCE)`));
}

async function migrate(url: string, poolSize: number): Promise<void> {
  const dataSource = await new DataSource(dataSourceOptions({ url, poolSize })).initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
