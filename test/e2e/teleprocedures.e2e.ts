import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CliRuntime } from '../../src/platform/cli/cli-context';
import { IdentityService } from '../../src/modules/identity';
import { CompanyAccounts, teleproceduresCommands } from '../../src/modules/secondary-accounts';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';
const SECONDARY_PASSWORD = 'Parapluie-Rouge-42';

describe('Téléprocédures: catalogue (CLI), « Options » tab, secondary accounts’ rights', () => {
  let app: TestApp;

  /** `npm run cli -- <command>`, run in this test's application; returns what it printed. */
  const cli = async (...args: string[]): Promise<string> => {
    const runtime: CliRuntime = {
      config: () => app.config,
      withApplication: (work) => work(app.app, undefined as never),
      withDataSource: (work) => work(app.dataSource),
      runningInstance: true,
    };
    const command = teleproceduresCommands(runtime).find((c) => c.name() === args[0])!;
    const printed: string[] = [];
    const log = console.log;
    console.log = (line: string) => printed.push(line);
    try {
      await command.parseAsync(args.slice(1), { from: 'user' });
    } finally {
      console.log = log;
    }
    return printed.join('\n');
  };

  const company = async (identifier: string, siret: string) => {
    const { id } = await app.app.get(IdentityService).createActiveAccount({
      email: `${identifier}@example.fr`,
      identifier,
      password: PASSWORD,
      familyName: 'BRUN',
    });
    await app.dataSource.query(
      `WITH numbers AS (INSERT INTO organisation_number (account_id, siren, siret) VALUES ($1, $2, $3))
       UPDATE account SET profile = 'entreprise', organisation_name = 'SOCIETE' WHERE id = $1`,
      [id, siret.slice(0, 9), siret],
    );
    await app.app.get(CompanyAccounts).ensurePrimary(id);
  };

  const signIn = async (login: string) => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte/entreprise/options`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1000));
    return { browser, page };
  };

  const held = async (login: string) =>
    (
      await app.dataSource.query<Array<{ code: string }>>(
        `SELECT t.teleprocedure_code AS code FROM company_teleprocedure t JOIN company_account c ON c.id = t.company_account_id
         WHERE c.login = $1 ORDER BY 1`,
        [login],
      )
    ).map((r) => r.code);

  before(async () => {
    app = await startTestApp();
    await company('asp1ent', '07955542100019');
    await company('autre', '73282932000074');
  });
  after(async () => app.close());

  it('adds téléprocédures to the catalogue and lists them (teleprocedures:add|list)', async () => {
    assert.equal(await cli('teleprocedures:list'), 'Aucune téléprocédure.');
    assert.match(
      await cli(
        'teleprocedures:add',
        '--code',
        'dads-u',
        '--description',
        'Déclaration Annuelle des Données Sociales Unifiées',
        '--recipient',
        'CNAV',
        '--recipient',
        'AGIRC / ARRCO',
        '--document-type',
        'DADS-U complète',
      ),
      /Téléprocédure enregistrée : DADS-U/,
    );
    await cli(
      'teleprocedures:add',
      '--code',
      'AED',
      '--description',
      'Attestation Employeur Dématérialisée',
      '--recipient',
      'Pôle Emploi',
    );
    await cli('teleprocedures:add', '--code', 'DPAE', '--description', 'Déclaration Préalable à l’Embauche (ex DUE)');
    await cli('teleprocedures:add', '--code', 'DSI', '--description', 'Déclaration Sociale des Indépendants');
    const listed = await cli('teleprocedures:list');
    assert.match(listed, /^AED +Attestation Employeur Dématérialisée {2}→ Pôle Emploi$/m);
    assert.match(listed, /^DADS-U +Déclaration Annuelle des Données Sociales Unifiées {2}→ CNAV, AGIRC \/ ARRCO$/m);
    await assert.rejects(
      cli('teleprocedures:add', '--code', 'pas bon!', '--description', 'x'),
      /Le code compte 1 à 32 caractères/,
    );
  });

  it('saves the primary’s options: quota and téléprocédures, refusing bad input with French messages', async () => {
    const { browser, page } = await signIn('asp1ent');
    assert.match(page.body, /Nombre de comptes secondaires souhaités/);
    assert.match(page.body, /<td>DADS-U<\/td>\s*<td>Déclaration Annuelle des Données Sociales Unifiées<br>/);
    assert.match(page.body, /Types de documents : DADS-U complète<\/span><\/td>\s*<td>CNAV, AGIRC \/ ARRCO<\/td>/);
    const bad = await browser.submit(page, /options$/, { quota: 'beaucoup', teleprocedures: 'XXX' }, app.url);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /Indiquez un nombre entier de comptes secondaires/);
    assert.match(bad.body, /Téléprocédure inconnue : XXX/);
    const all = await browser.submit(page, /options$/, { quota: '2', tout: 'oui' }, app.url);
    assert.equal(all.status, 200);
    assert.match(all.body, /Les options de votre compte ont été enregistrées/);
    assert.deepEqual(await held('asp1ent'), ['AED', 'DADS-U', 'DPAE', 'DSI']);
    const some = await browser.post(
      `${app.url}/compte/entreprise/options`,
      { _csrf: /name="_csrf" value="([^"]+)"/.exec(all.body)![1], quota: '2', teleprocedures: 'AED' },
      app.url,
    );
    assert.equal(some.status, 200);
    assert.deepEqual(await held('asp1ent'), ['AED']);
    assert.deepEqual(await held('autre'), [], 'another company untouched');
  });

  it('never gives a secondary account more than its primary, and removes what the primary gives up', async () => {
    const { browser, page } = await signIn('asp1ent');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    await browser.post(
      `${app.url}/compte/entreprise/options`,
      new URLSearchParams([
        ['_csrf', csrf],
        ['quota', '2'],
        ['teleprocedures', 'AED'],
        ['teleprocedures', 'DPAE'],
      ]),
      app.url,
    );
    assert.deepEqual(await held('asp1ent'), ['AED', 'DPAE']);

    const form = await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/nouveau`, app.url);
    assert.match(form.body, /value="AED"/);
    assert.doesNotMatch(form.body, /value="DSI"/, 'only the primary’s téléprocédures are offered');
    // A forged field: DSI, which the primary does not hold.
    const forged = await browser.submit(
      form,
      /nouveau$/,
      { name: 'cs1', password: SECONDARY_PASSWORD, passwordConfirmation: SECONDARY_PASSWORD, teleprocedures: 'DSI' },
      app.url,
    );
    assert.equal(forged.status, 400);
    assert.match(forged.body, /Un compte secondaire ne peut disposer de plus de droits que le compte principal : DSI/);
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM account WHERE identifier = 'cs1.asp1ent'`,
    );
    assert.equal(n, 0, 'nothing created');

    for (const [name, autonomous] of [
      ['cs1', ''],
      ['cs2', 'oui'],
    ]) {
      const body = new URLSearchParams({
        _csrf: csrf,
        name,
        password: SECONDARY_PASSWORD,
        passwordConfirmation: SECONDARY_PASSWORD,
        autonomous,
      });
      body.append('teleprocedures', 'AED');
      body.append('teleprocedures', 'DPAE');
      const created = await browser.post(`${app.url}/compte/entreprise/comptes-secondaires/nouveau`, body, app.url);
      assert.equal(created.status, 200, created.body.slice(0, 1500));
    }
    assert.deepEqual(await held('cs1.asp1ent'), ['AED', 'DPAE']);

    await browser.post(
      `${app.url}/compte/entreprise/options`,
      { _csrf: csrf, quota: '2', teleprocedures: 'AED' },
      app.url,
    );
    assert.deepEqual(await held('cs1.asp1ent'), ['AED'], 'DPAE removed from the non-autonomous secondary');
    assert.deepEqual(await held('cs2.asp1ent'), ['AED'], 'and from the autonomous one: never beyond the primary');
  });
});
