import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { dataSourceOptions } from '../database/data-source-options';
import { requestContext } from '../http/request-context';
import { AuditEvent } from './audit-event.entity';
import { AuditService } from './audit.service';

describe('AuditService', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let audit: AuditService;

  before(async () => {
    database = await createTestDatabase();
    dataSource = await new DataSource({ ...dataSourceOptions(database.endpoint), entities: [AuditEvent] }).initialize();
    audit = new AuditService(dataSource.getRepository(AuditEvent));
  });
  after(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  describe('record', () => {
    it('stores who, what, target, outcome and the request it came from', async () => {
      const saved = await requestContext.run(
        { requestId: 'req-audit-0001', ipAddress: '203.0.113.7', userAgent: 'Navigateur de test' },
        () =>
          audit.record({
            actor: { type: 'account', id: 'acc-1' },
            action: 'identity.sign_in.failed',
            target: { type: 'account', id: 'acc-1' },
            outcome: 'failure',
            details: { reason: 'bad_password' },
          }),
      );
      const [row] = await dataSource.query('SELECT * FROM audit_event WHERE id = $1', [saved.id]);
      assert.equal(row.actor_type, 'account');
      assert.equal(row.actor_id, 'acc-1');
      assert.equal(row.action, 'identity.sign_in.failed');
      assert.equal(row.outcome, 'failure');
      assert.equal(row.ip_address, '203.0.113.7');
      assert.equal(row.user_agent, 'Navigateur de test');
      assert.equal(row.request_id, 'req-audit-0001');
      assert.deepEqual(row.details, { reason: 'bad_password' });
      assert.ok(row.occurred_at instanceof Date);
    });

    it('leaves no trace when the caller’s transaction rolls back', async () => {
      await assert.rejects(
        dataSource.transaction(async (manager) => {
          await audit.record(
            { actor: { type: 'system' }, action: 'platform.test.rolled_back', outcome: 'success' },
            manager,
          );
          throw new Error('annulation');
        }),
        /annulation/,
      );
      assert.deepEqual(await audit.latest(10, { action: 'platform.test.rolled_back' }), []);
    });

    it('refuses an outcome outside success, failure and denied', async () => {
      await assert.rejects(
        audit.record({ actor: { type: 'system' }, action: 'platform.test.bad', outcome: 'maybe' as 'success' }),
        /CHK_audit_event_outcome/,
      );
    });
  });

  describe('append-only table', () => {
    it('refuses UPDATE and DELETE, even from SQL', async () => {
      const saved = await audit.record({ actor: { type: 'system' }, action: 'platform.test.kept', outcome: 'success' });
      await assert.rejects(
        dataSource.query(`UPDATE audit_event SET outcome = 'failure' WHERE id = $1`, [saved.id]),
        /append-only/,
      );
      await assert.rejects(dataSource.query('DELETE FROM audit_event WHERE id = $1', [saved.id]), /append-only/);
      assert.equal((await audit.latest(1, { action: 'platform.test.kept' }))[0]?.outcome, 'success');
    });
  });
});
