import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { createEmptyDatabase, type TestDatabase } from '../../../test/support/test-database';
import { dataSourceOptions } from '../../platform/database/data-source-options';

const MIGRATION = 'SecondaryAccountsOrganisationNumbers1796105114056';

describe('SecondaryAccountsOrganisationNumbers migration', () => {
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
  const accountColumns = async () =>
    (
      await dataSource.query<Array<{ column_name: string }>>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'account' AND column_name IN ('siren', 'siret')`,
      )
    ).map((r) => r.column_name);

  // [identifier, profile, status, siren, siret] as identity's old columns held them.
  const OLD: Array<[string, string, string, string | null, string | null]> = [
    ['ent-siret', 'entreprise', 'active', '732829320', '73282932000074'],
    ['ent-siren', 'entreprise', 'disabled', '552100554', null],
    ['ent-attente', 'entreprise', 'pending', '356000000', '35600000000051'],
    ['ent-deja', 'entreprise', 'active', '079555421', '07955542100019'],
    ['asso', 'association', 'active', '732829320', null],
    ['citoyen', 'citoyen', 'active', null, null],
  ];

  it('moves every SIREN/SIRET out of account, completes the primary accounts, and down() puts them back', async () => {
    await dataSource.runMigrations();
    while ((await applied()).includes(MIGRATION)) await dataSource.undoLastMigration();
    assert.deepEqual((await accountColumns()).sort(), ['siren', 'siret'], 'the old schema');

    for (const [identifier, profile, status, siren, siret] of OLD)
      await dataSource.query(
        `INSERT INTO account (identifier, email, profile, status, siren, siret, organisation_name, family_name)
         VALUES ($1, $6, $2, $3, $4, $5, $7, 'Martin')`,
        [identifier, profile, status, siren, siret, `${identifier}@example.fr`, `SOCIETE ${identifier.toUpperCase()}`],
      );
    // A company account made before (its NIC edited since in « Identité »): kept as it is, not doubled.
    await dataSource.query(
      `INSERT INTO company_account (account_id, login, siren, nic, name, profile)
       SELECT id, identifier, '079555421', '00027', 'COMPTE ASP1ENT DEV', 'primary' FROM account WHERE identifier = 'ent-deja'`,
    );

    await dataSource.runMigrations();
    assert.deepEqual(await accountColumns(), [], 'identity no longer has the columns');
    const numbers = await dataSource.query<Array<{ identifier: string; siren: string; siret: string | null }>>(
      `SELECT a.identifier, o.siren, o.siret FROM organisation_number o JOIN account a ON a.id = o.account_id
       ORDER BY a.identifier`,
    );
    assert.deepEqual(
      numbers.map((n) => [n.identifier, n.siren, n.siret]),
      OLD.filter(([, , , siren]) => siren)
        .map(([identifier, , , siren, siret]) => [identifier, siren, siret])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      'every number, as registered',
    );
    const companies = await dataSource.query<
      Array<{ identifier: string; siren: string; nic: string | null; name: string; profile: string }>
    >(
      `SELECT a.identifier, c.siren, c.nic, c.name, c.profile, c.billing_date FROM company_account c
       JOIN account a ON a.id = c.account_id ORDER BY a.identifier`,
    );
    assert.deepEqual(
      companies.map((c) => [c.identifier, c.siren, c.nic, c.name, c.profile]),
      [
        ['ent-deja', '079555421', '00027', 'COMPTE ASP1ENT DEV', 'primary'],
        ['ent-siren', '552100554', null, 'SOCIETE ENT-SIREN', 'primary'],
        ['ent-siret', '732829320', '00074', 'SOCIETE ENT-SIRET', 'primary'],
      ],
      'active and disabled Entreprise accounts are primary accounts; the pending one waits for its activation',
    );

    while ((await applied()).includes(MIGRATION)) await dataSource.undoLastMigration();
    const restored = await dataSource.query<Array<{ identifier: string; siren: string | null; siret: string | null }>>(
      `SELECT identifier, siren, siret FROM account ORDER BY identifier`,
    );
    assert.deepEqual(
      restored.map((r) => [r.identifier, r.siren, r.siret]),
      OLD.map(([identifier, , , siren, siret]) => [identifier, siren, siret]).sort((a, b) =>
        String(a[0]).localeCompare(String(b[0])),
      ),
      'down() restores the columns as they were',
    );
    const [table] = await dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'organisation_number'`,
    );
    assert.equal(table.n, 0);

    await dataSource.runMigrations();
    const [again] = await dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM organisation_number`);
    assert.equal(again.n, 5, 'up again after down');
    const [primaries] = await dataSource.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM company_account`);
    assert.equal(primaries.n, 3, 'no primary account doubled');
  });
});
