import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IdentityService } from '../../src/modules/identity';
import { CompanyAccounts } from '../../src/modules/secondary-accounts';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

/** The « Identité » form's fields as the page shows them, to send them back with a few changes. */
const formValues = (body: string): Record<string, string> => {
  const form = /<form method="post" action="\/compte\/entreprise\/identite"[\s\S]*?<\/form>/.exec(body)?.[0] ?? '';
  const values: Record<string, string> = {};
  for (const [, name, value] of form.matchAll(
    /<input class="fr-input[^"]*" id="[^"]+" name="([^"]+)"[^>]*value="([^"]*)"/g,
  ))
    values[name] = value.replaceAll('&#39;', "'").replaceAll('&amp;', '&').replaceAll('&quot;', '"');
  for (const [, name, options] of form.matchAll(
    /<select class="fr-select" id="[^"]+" name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g,
  ))
    values[name] = /<option value="([^"]*)" selected>/.exec(options)?.[1] ?? '';
  return values;
};

describe('« Gestion des Comptes » (company accounts, pages)', () => {
  let app: TestApp;

  /** An active Entreprise account (its registration's SIRET) with its primary company account. */
  const company = async (identifier: string, siret: string | null, siren = siret?.slice(0, 9) ?? null) => {
    const { id } = await app.app.get(IdentityService).createActiveAccount({
      email: `${identifier}@example.fr`,
      identifier,
      password: PASSWORD,
      givenName: 'Pierre',
      familyName: 'DUPONT',
    });
    await app.dataSource.query(
      `WITH numbers AS (INSERT INTO organisation_number (account_id, siren, siret) VALUES ($1, $2, $3))
       UPDATE account SET profile = 'entreprise', civility = 'monsieur',
         organisation_name = 'COMPTE ASP1ENT DEV', landline_phone = '0149098737' WHERE id = $1`,
      [id, siren, siret],
    );
    await app.app.get(CompanyAccounts).ensurePrimary(id);
    return id;
  };

  const signIn = async (login: string, target = '/compte/entreprise/identite') => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}${target}`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    return { browser, page };
  };

  const row = async (identifier: string) =>
    (
      await app.dataSource.query<Array<Record<string, string | null>>>(
        `SELECT c.* FROM company_account c JOIN account a ON a.id = c.account_id WHERE a.identifier = $1`,
        [identifier],
      )
    )[0];

  before(async () => {
    app = await startTestApp();
    await company('asp1ent', '07955542100019'.slice(0, 9) === '079555421' ? '07955542100019' : null);
    await company('autre', '73282932000074');
    await app.app.get(IdentityService).createActiveAccount({
      email: 'citoyen@example.fr',
      identifier: 'citoyen',
      password: PASSWORD,
    });
  });
  after(async () => app.close());

  it('shows the primary account’s summary and its « Identité » tab, after sign-in', async () => {
    const { browser, page: home } = await signIn('asp1ent', '/compte/entreprise');
    assert.equal(home.status, 200, home.body.slice(0, 1500));
    assert.ok(home.url.endsWith('/compte/entreprise'));
    assert.match(home.body, /href="\/compte\/entreprise\/identite">Modifier</);
    assert.match(home.body, /0 compte\(s\) secondaire\(s\) trouvé\(s\)/);
    const page = await browser.get(`${app.url}/compte/entreprise/identite`, app.url);
    assert.match(page.body, /<h1>Gestion des Comptes<\/h1>/);
    assert.match(page.body, /href="\/compte\/entreprise" aria-current="page">Gestion des Comptes</, 'menu entry');
    const [{ file_number }] = await app.dataSource.query<Array<{ file_number: number }>>(
      `SELECT file_number FROM company_account WHERE login = 'asp1ent'`,
    );
    assert.match(page.body, new RegExp(`N° Dossier</th><td>${file_number}</td>`));
    assert.match(page.body, /SIRET<\/th><td>07955542100019<\/td>/);
    assert.match(page.body, /Login<\/th><td>asp1ent<\/td>/);
    assert.match(page.body, /Raison sociale<\/th><td>COMPTE ASP1ENT DEV<\/td>/);
    assert.match(page.body, /Responsable<\/th><td>Monsieur Pierre DUPONT<\/td>/);
    assert.match(page.body, /Type<\/th><td>Entreprise<\/td>/);
    assert.match(page.body, /Profil<\/th><td>Compte Primaire<\/td>/);
    assert.match(page.body, /Statut<\/th><td>Ouvert<\/td>/);
    const values = formValues(page.body);
    assert.equal(values.nic, '00019');
    assert.equal(values.name, 'COMPTE ASP1ENT DEV');
    assert.equal(values.civility, 'monsieur');
    assert.equal(values.phone, '0149098737');
  });

  it('refuses a NIC whose SIRET key does not hold, keeping what was typed, and saves a valid one', async () => {
    const { browser, page } = await signIn('asp1ent');
    const values = formValues(page.body);
    const wrong = await browser.submit(page, /identite$/, { ...values, nic: '00018', city: 'BOULOGNE BILLANCOURT' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body, /Le SIRET 07955542100018 n’est pas valide : la clé de contrôle ne correspond pas/);
    assert.match(wrong.body, /value="BOULOGNE BILLANCOURT"/, 'what was typed is kept');
    assert.equal((await row('asp1ent')).nic, '00019', 'nothing saved');

    const empty = await browser.submit(page, /identite$/, { ...values, name: ' ', email: 'pas-une-adresse' });
    assert.equal(empty.status, 400);
    assert.match(empty.body, /Saisissez la raison sociale/);
    assert.match(empty.body, /Saisissez une adresse électronique valide/);

    const saved = await browser.submit(page, /identite$/, {
      ...values,
      nic: '00027',
      legalRepresentative: 'Jeanne Martin',
      streetNumber: '56',
      streetSuffix: 'bis',
      streetName: 'rue de Billancourt',
      postalCode: '92100',
      city: 'BOULOGNE BILLANCOURT',
      fax: '01 49 09 87 38',
    });
    assert.equal(saved.status, 200, saved.body.slice(0, 2000));
    assert.match(saved.body, /Les informations de votre compte ont été enregistrées/);
    assert.match(saved.body, /SIRET<\/th><td>07955542100027<\/td>/);
    const stored = await row('asp1ent');
    assert.equal(stored.nic, '00027');
    assert.equal(stored.street_suffix, 'bis');
    assert.equal(stored.fax, '0149098738');
    assert.equal(stored.legal_representative, 'Jeanne Martin');
    const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'secondary-accounts.identity.updated' AND target_id = $1`,
      [stored.id],
    );
    assert.equal(n, 1);
  });

  it('copies the responsable’s details into each contact without saving, then saves them', async () => {
    const { browser, page } = await signIn('asp1ent');
    const values = formValues(page.body);
    const copied = await browser.submit(page, /identite$/, {
      ...values,
      email: 'contact@asp-one.fr',
      copier: 'technique',
    });
    assert.equal(copied.status, 200);
    assert.match(copied.body, /copiées dans le contact technique : enregistrez pour les conserver/);
    const technical = formValues(copied.body);
    assert.equal(technical.technicalContactName, 'Pierre DUPONT');
    assert.equal(technical.technicalContactEmail, 'contact@asp-one.fr');
    assert.equal(technical.technicalContactPhone, '0149098737');
    assert.equal(technical.administrativeContactName, '');
    assert.equal((await row('asp1ent')).technical_contact_name, null, 'not saved yet');

    const both = await browser.submit(copied, /identite$/, { ...technical, copier: 'administratif' });
    const filled = formValues(both.body);
    assert.equal(filled.administrativeContactName, 'Pierre DUPONT');
    assert.equal(filled.technicalContactName, 'Pierre DUPONT');
    const saved = await browser.submit(both, /identite$/, filled);
    assert.equal(saved.status, 200);
    const stored = await row('asp1ent');
    assert.equal(stored.technical_contact_email, 'contact@asp-one.fr');
    assert.equal(stored.administrative_contact_name, 'Pierre DUPONT');
  });

  it('is for primary company accounts only: another person gets 403, a signed-out visitor the sign-in', async () => {
    const { browser, page } = await signIn('citoyen', '/compte');
    assert.equal(page.status, 200);
    assert.match(page.body, /Mon profil/);
    assert.doesNotMatch(page.body, /Gestion des Comptes/, 'no menu entry for a person without a company');
    const refused = await browser.get(`${app.url}/compte/entreprise`, app.url);
    assert.equal(refused.status, 403);
    const form = await browser.post(`${app.url}/compte/entreprise/identite`, { name: 'Pirate' }, app.url);
    assert.equal(form.status, 403);
    const anonymous = await fetch(`${app.url}/compte/entreprise`, { redirect: 'manual' });
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get('location') ?? '', /\/compte\/connexion\?retour=%2Fcompte%2Fentreprise/);
  });

  it('changes only the signed-in company’s account', async () => {
    const before = await row('autre');
    const { browser, page } = await signIn('asp1ent');
    await browser.submit(page, /identite$/, { ...formValues(page.body), name: 'NOUVEAU NOM' });
    assert.deepEqual(await row('autre'), before);
    assert.equal((await row('asp1ent')).name, 'NOUVEAU NOM');
  });
});
