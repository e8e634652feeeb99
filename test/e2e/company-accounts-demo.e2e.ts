import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { startDemo } from '../../src/dev/demo';
import { IdentityService } from '../../src/modules/identity';
import { DEMO_COMPANY, Teleprocedures } from '../../src/modules/secondary-accounts';
import { freePort } from '../support/ports';
import { startTestApp, type TestApp } from '../support/test-app';

describe('Company accounts demo data (npm start)', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());

  it('adds the guide’s catalogue, the primary asp1ent and its five secondary accounts in the guide’s states, once', async () => {
    for (let start = 0; start < 2; start++) {
      const stop = await startDemo(app.app, app.config, pino({ level: 'silent' }), await freePort());
      await stop();
    }
    assert.deepEqual(
      (await app.app.get(Teleprocedures).list()).map((t) => t.code),
      ['AED', 'DADS-U', 'DPAE', 'DRP', 'DSI'],
    );
    const rows = await app.dataSource.query<
      Array<{ login: string; profile: string; status: string; has_mailbox: boolean; account_status: string }>
    >(
      `SELECT c.login, c.profile, c.status, c.has_mailbox, a.status AS account_status
       FROM company_account c JOIN account a ON a.id = c.account_id ORDER BY c.profile, c.login`,
    );
    assert.deepEqual(
      rows.map((r) => [r.login, r.profile, r.status, r.has_mailbox, r.account_status]),
      [
        ['asp1ent', 'primary', 'open', false, 'active'],
        ['fdn25.asp1ent', 'secondary', 'closed', true, 'disabled'],
        ['lvt.asp1ent', 'secondary', 'closed', true, 'disabled'],
        ['sqdqd.asp1ent', 'secondary', 'validated', false, 'active'],
        ['tbn1.asp1ent', 'secondary', 'open', true, 'active'],
        ['tbn2.asp1ent', 'secondary', 'open', false, 'active'],
      ],
    );
    const identity = app.app.get(IdentityService);
    assert.ok(await identity.authenticate(DEMO_COMPANY.login, DEMO_COMPANY.password));
    assert.ok(await identity.authenticate('tbn1.asp1ent', DEMO_COMPANY.password));
  });
});
