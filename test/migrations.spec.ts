import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config';
import { dataSourceOptions } from '../src/platform/database/data-source-options';
import { projectRoot } from '../src/platform/views/views';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from './support/test-database';

describe('migrations', () => {
  it('lists every file of migrations/ in migrations/index.ts, in order', () => {
    const files = readdirSync(join(projectRoot(), 'migrations'))
      .filter((name) => /^\d+-[a-z0-9-]+\.ts$/.test(name))
      .sort();
    const timestamps = migrations.map((m) => /(\d+)$/.exec(m.name)?.[1]);
    assert.deepEqual(
      timestamps,
      files.map((f) => f.split('-')[0]),
    );
    for (const file of files)
      assert.match(
        file,
        /^\d{13}-(platform|oidc|identity|franceconnect|subscriptions|secondary-accounts|client-space|notifications|admin|legal)-/,
      );
  });

  describe('on an empty database', () => {
    let database: TestDatabase;
    let dataSource: DataSource;
    before(async () => {
      database = await createEmptyDatabase();
      dataSource = await new DataSource(dataSourceOptions(database.endpoint)).initialize();
    });
    after(async () => {
      await dataSource.destroy();
      await database.drop();
    });

    it('go up, all the way down, and up again', async () => {
      const tables = async (): Promise<string[]> => {
        const rows: Array<{ table_name: string }> = await dataSource.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
        );
        return rows.map((r) => r.table_name);
      };
      assert.equal((await dataSource.runMigrations()).length, migrations.length);
      const schema = await tables();
      assert.ok(schema.includes('audit_event'));
      for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration();
      assert.deepEqual(await tables(), ['migrations']);
      assert.equal((await dataSource.runMigrations()).length, migrations.length);
      assert.deepEqual(await tables(), schema);
    });
  });

  describe('and the entities', () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase();
    });
    after(async () => database.drop());

    it('agree: the schema the migrations build is the one the entities describe', async () => {
      const { config } = loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: database.url,
        SECRET_KEY: 'k'.repeat(43),
        DATA_DIR: '/tmp',
      });
      const context = await NestFactory.createApplicationContext(
        AppModule.forRoot({
          config,
          database: database.endpoint,
          logger: pino({ level: 'silent' }),
          migrationPolicy: 'ignore',
          runJobs: false,
        }),
        { logger: false, abortOnError: false },
      );
      try {
        const { upQueries } = await context.get(DataSource).driver.createSchemaBuilder().log();
        assert.deepEqual(
          upQueries.map((q) => q.query),
          [],
          'migration manquante : npm run migration:generate -- <module>-<objet>',
        );
      } finally {
        await context.close();
      }
    });
  });
});
