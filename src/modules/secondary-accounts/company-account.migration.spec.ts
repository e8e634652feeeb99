import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { createEmptyDatabase, type TestDatabase } from '../../../test/support/test-database';
import { dataSourceOptions } from '../../platform/database/data-source-options';

const MIGRATION = 'SecondaryAccountsCompanyAccount1796082967050';

describe('SecondaryAccountsCompanyAccount migration', () => {
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

  const applied = async () =>
    (await dataSource.query<Array<{ name: string }>>(`SELECT name FROM migrations`)).map((r) => r.name);

  it('turns each Entreprise registration into its primary company account, SIRET split, nothing lost', async () => {
    await dataSource.runMigrations();
    // Back to just before this migration (and whatever came after it).
    while ((await applied()).includes(MIGRATION)) await dataSource.undoLastMigration();
    const insert = (identifier: string, profile: string, siren: string | null, siret: string | null) =>
      dataSource.query(
        `INSERT INTO account (identifier, email, profile, organisation_name, siren, siret, civility, given_name,
           family_name, landline_phone, address_line, postal_code, city, country, status, created_at)
         VALUES ($1, $6, $2, 'Martin SARL', $3, $4, 'monsieur', 'Paul', 'Martin', '+33149098737',
           '56 rue de Billancourt', '92100', 'Boulogne-Billancourt', 'France', 'active', $5)`,
        [
          identifier,
          profile,
          siren,
          siret,
          identifier === 'siret' ? '2004-04-20T10:00:00Z' : '2020-01-01T10:00:00Z',
          `${identifier}@example.fr`,
        ],
      );
    await insert('siret', 'entreprise', '732829320', '73282932000074');
    await insert('siren', 'entreprise', '732829320', null);
    await insert('citoyen', 'citoyen', null, null);
    await insert('association', 'association', '732829320', null);

    await dataSource.runMigrations();
    const rows = await dataSource.query<Array<Record<string, unknown>>>(
      `SELECT a.identifier, c.login, c.siren, c.nic, c.name, c.type, c.profile, c.status, c.test, c.family_name,
              c.phone, c.street_name, c.city, c.file_number, c.created_at
       FROM company_account c JOIN account a ON a.id = c.account_id ORDER BY c.file_number`,
    );
    assert.deepEqual(
      rows.map((r) => [r.identifier, r.login, r.siren, r.nic, r.name, r.type, r.profile, r.status, r.test]),
      [
        ['siret', 'siret', '732829320', '00074', 'Martin SARL', 'entreprise', 'primary', 'open', false],
        ['siren', 'siren', '732829320', null, 'Martin SARL', 'entreprise', 'primary', 'open', false],
      ],
    );
    assert.equal(rows[0].family_name, 'Martin');
    assert.equal(rows[0].phone, '+33149098737');
    assert.equal(rows[0].street_name, '56 rue de Billancourt');
    assert.equal((rows[0].created_at as Date).toISOString(), '2004-04-20T10:00:00.000Z', 'date de création kept');
    assert.ok(Number(rows[0].file_number) < Number(rows[1].file_number), 'n° dossier in order of registration');

    // Down: the table goes, identity's columns still hold the numbers.
    while ((await applied()).includes(MIGRATION)) await dataSource.undoLastMigration();
    const [table] = await dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'company_account'`,
    );
    assert.equal(table.n, 0);
    const [kept] = await dataSource.query<Array<{ siret: string }>>(
      `SELECT siret FROM account WHERE identifier = 'siret'`,
    );
    assert.equal(kept.siret, '73282932000074');
    await dataSource.runMigrations();
  });
});
