import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { DomainEvents } from '../../platform/events';
import { AccountService, IdentityService, PasswordChangeHooks } from '../identity';
import { CompanyAccounts } from './company-accounts.service';

const PASSWORD = 'Chaussette-Volante-7';

describe('CompanyAccounts', () => {
  let app: TestApp;
  let companies: CompanyAccounts;
  let seq = 0;

  const newAccount = async (profile: string, siren: string | null, siret: string | null) => {
    seq++;
    const { id } = await app.app.get(IdentityService).createActiveAccount({
      email: `ent${seq}@example.fr`,
      identifier: `ent${seq}`,
      password: PASSWORD,
      givenName: 'Pierre',
      familyName: 'Dupont',
    });
    await app.dataSource.query(
      `WITH numbers AS (INSERT INTO organisation_number (account_id, siren, siret)
         SELECT $1, $3::varchar, $4::varchar WHERE $3::varchar IS NOT NULL)
       UPDATE account SET profile = $2, organisation_name = 'COMPTE ASP1ENT DEV' WHERE id = $1`,
      [id, profile, siren, siret],
    );
    return id;
  };

  before(async () => {
    app = await startTestApp();
    companies = app.app.get(CompanyAccounts);
  });
  after(async () => app.close());

  describe('ensurePrimary', () => {
    it('makes an activated Entreprise account its company’s primary account, once, audited', async () => {
      const id = await newAccount('entreprise', '732829320', '73282932000074');
      await app.app
        .get(DomainEvents)
        .publish('identity.account.activated', { accountId: id, occurredAt: new Date(), via: 'email' });
      const primary = await companies.primaryOfAccount(id);
      assert.ok(primary);
      assert.equal(primary.siren, '732829320');
      assert.equal(primary.nic, '00074');
      assert.equal(primary.login, `ent${seq}`);
      assert.equal(primary.name, 'COMPTE ASP1ENT DEV');
      assert.equal(primary.profile, 'primary');
      assert.equal(primary.status, 'open');
      assert.equal((await companies.ensurePrimary(id))?.id, primary.id, 'idempotent');
      const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM audit_event WHERE action = 'secondary-accounts.primary.created' AND target_id = $1`,
        [primary.id],
      );
      assert.equal(n, 1);
    });

    it('leaves other profiles without a company account', async () => {
      const citizen = await newAccount('citoyen', null, null);
      assert.equal(await companies.ensurePrimary(citizen), undefined);
      const association = await newAccount('association', '732829320', null);
      assert.equal(await companies.ensurePrimary(association), undefined);
      assert.equal(await companies.ofAccount(association), undefined);
    });
  });

  describe('onPasswordChanged', () => {
    it('queues the responsable’s notice in identity’s transaction: both commit, or neither', async () => {
      const id = await newAccount('entreprise', '732829320', '73282932000074');
      const primary = (await companies.ensurePrimary(id))!;
      await app.dataSource.query(`UPDATE company_account SET email = 'responsable@example.fr' WHERE id = $1`, [
        primary.id,
      ]);
      let failing = true;
      app.app.get(PasswordChangeHooks).add(async () => {
        if (failing) throw new Error('arrêt simulé après la notice, avant le commit');
      });
      const state = async () => {
        const [row] = await app.dataSource.query<Array<{ hash: string; notices: number }>>(
          `SELECT password_hash AS hash, (SELECT count(*)::int FROM outbox_message
             WHERE template = 'company-password-changed' AND recipient = 'responsable@example.fr') AS notices
           FROM account WHERE id = $1`,
          [id],
        );
        return row;
      };
      const before = await state();
      const accounts = app.app.get(AccountService);
      const account = (await accounts.get(id))!;
      await assert.rejects(accounts.setPassword(account, 'Nouveau-Secret-2026', { via: 'reset' }), /arrêt simulé/);
      assert.deepEqual(await state(), before, 'neither the password nor the notice');

      failing = false;
      await accounts.setPassword(account, 'Nouveau-Secret-2026', { via: 'reset' });
      const after = await state();
      assert.notEqual(after.hash, before.hash);
      assert.equal(after.notices, before.notices + 1, 'the notice, with the password');
    });
  });
});
