import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { DomainEvents } from '../../platform/events';
import { IdentityService } from '../identity';
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
});
