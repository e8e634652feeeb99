import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createTestDatabase, usesEmbeddedDatabase, type TestDatabase } from '../../../test/support/test-database';
import { dataSourceOptions } from '../database/data-source-options';
import { advisoryKey, ExclusiveJobRunner } from './exclusive-job.runner';

const silent = pino({ level: 'silent' });

describe('ExclusiveJobRunner', () => {
  let database: TestDatabase;
  const dataSources: DataSource[] = [];
  // Two runners on two connection pools: two instances of the platform on one database.
  let first: ExclusiveJobRunner;
  let second: ExclusiveJobRunner;

  before(async () => {
    database = await createTestDatabase();
    // The embedded database takes a single connection: there, both runners share it.
    const pools = usesEmbeddedDatabase() ? 1 : 2;
    for (let i = 0; i < pools; i++)
      dataSources.push(await new DataSource(dataSourceOptions(database.endpoint)).initialize());
    first = new ExclusiveJobRunner(dataSources[0], silent);
    second = new ExclusiveJobRunner(dataSources[pools - 1], silent);
  });
  after(async () => {
    for (const dataSource of dataSources) await dataSource.destroy();
    await database.drop();
  });

  describe('run', () => {
    it('runs the job and gives it the transaction', async () => {
      let seen: unknown;
      const outcome = await first.run('test.simple', async (manager) => {
        seen = (await manager.query('SELECT 41 + 1 AS answer'))[0].answer;
      });
      assert.equal(outcome, 'ran');
      assert.equal(seen, 42);
    });

    it(
      'skips the run on a second instance while the first one holds the job',
      { skip: usesEmbeddedDatabase() && 'une seule connexion sur la base embarquée' },
      async () => {
        let release!: () => void;
        const holding = new Promise<void>((resolve) => (release = resolve));
        let started!: () => void;
        const hasStarted = new Promise<void>((resolve) => (started = resolve));
        const running = first.run('test.exclusive', async () => {
          started();
          await holding;
        });
        await hasStarted;
        let secondRan = false;
        assert.equal(await second.run('test.exclusive', async () => void (secondRan = true)), 'skipped');
        assert.equal(secondRan, false);
        // Another job is not blocked by this one.
        assert.equal(await second.run('test.other', async () => undefined), 'ran');
        release();
        assert.equal(await running, 'ran');
        // Once the first run ended, the lock is free again.
        assert.equal(await second.run('test.exclusive', async () => undefined), 'ran');
      },
    );

    it('releases the lock when the job fails, and passes the error on', async () => {
      await assert.rejects(
        first.run('test.failing', async () => Promise.reject(new Error('échec voulu'))),
        /échec voulu/,
      );
      assert.equal(await second.run('test.failing', async () => undefined), 'ran');
    });
  });

  describe('advisoryKey', () => {
    it('is stable per name and differs between names', () => {
      assert.equal(advisoryKey('a'), advisoryKey('a'));
      assert.notEqual(advisoryKey('a'), advisoryKey('b'));
      assert.match(advisoryKey('a'), /^-?\d+$/);
    });
  });
});
