import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { IdentityError } from './identity.errors';
import { IdentityService } from './identity.service';

describe('IdentityService', () => {
  let app: TestApp;
  let dataSource: DataSource;
  let identity: IdentityService;

  before(async () => {
    app = await startTestApp();
    dataSource = app.dataSource;
    identity = app.app.get(IdentityService);
  });
  after(async () => app.close());

  describe('createActiveAccount', () => {
    it('stores the e-mail and identifier lower-case and never the password itself', async () => {
      const account = await identity.createActiveAccount({ email: 'Jean.Martin@Example.fr', password: 'Secret123!' });
      assert.equal(account.email, 'jean.martin@example.fr');
      assert.equal(account.identifier, 'jean.martin');
      const [row] = await dataSource.query('SELECT password_hash FROM account WHERE id = $1', [account.id]);
      assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.doesNotMatch(row.password_hash, /Secret123/);
    });

    it('refuses an e-mail already used, whatever its case', async () => {
      await identity.createActiveAccount({ email: 'double@example.fr', password: 'Secret123!' });
      await assert.rejects(
        identity.createActiveAccount({ email: 'DOUBLE@example.fr', password: 'Secret123!', identifier: 'autre' }),
        (error: unknown) => error instanceof IdentityError && error.code === 'EMAIL_TAKEN',
      );
    });
  });

  describe('authenticate', () => {
    it('opens the account with its identifier or its e-mail, and nothing else', async () => {
      const account = await identity.createActiveAccount({
        email: 'lea@example.fr',
        identifier: 'lea.b',
        password: 'Secret123!',
      });
      assert.equal((await identity.authenticate('LEA.B', 'Secret123!'))?.id, account.id);
      assert.equal((await identity.authenticate('lea@example.fr', 'Secret123!'))?.id, account.id);
      assert.equal(await identity.authenticate('lea.b', 'secret123!'), undefined);
      assert.equal(await identity.authenticate('inconnu', 'Secret123!'), undefined);
    });

    it('refuses a disabled account even with the right password', async () => {
      const account = await identity.createActiveAccount({ email: 'off@example.fr', password: 'Secret123!' });
      await dataSource.query(`UPDATE account SET status = 'disabled' WHERE id = $1`, [account.id]);
      assert.equal(await identity.authenticate('off@example.fr', 'Secret123!'), undefined);
    });
  });
});
