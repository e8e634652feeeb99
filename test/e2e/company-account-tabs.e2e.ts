import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { CompanyAccounts, Teleprocedures } from '../../src/modules/secondary-accounts';
import { HttpBrowser } from '../support/http-browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';
const SECONDARY_PASSWORD = 'Parapluie-Rouge-42';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('« Gestion des Comptes »: Facturation, Mot de passe, and « Modifier » a secondary account', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let mailSystem: HttpSink;
  const deliver = () => app.app.get(OutboxWorker).deliverDue();

  const company = async (identifier: string, siret: string, email: string) => {
    const { id } = await app.app.get(IdentityService).createActiveAccount({
      email,
      identifier,
      password: PASSWORD,
      givenName: 'Pierre',
      familyName: 'DUPONT',
    });
    await app.dataSource.query(
      `WITH numbers AS (INSERT INTO organisation_number (account_id, siren, siret) VALUES ($1, $2, $3))
       UPDATE account SET profile = 'entreprise', civility = 'monsieur',
         organisation_name = $4, address_line = '56 rue de Billancourt', postal_code = '92100',
         city = 'BOULOGNE BILLANCOURT' WHERE id = $1`,
      [id, siret.slice(0, 9), siret, `SOCIETE ${identifier.toUpperCase()}`],
    );
    await app.app.get(CompanyAccounts).ensurePrimary(id);
  };

  const signIn = async (login: string, password = PASSWORD) => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte/entreprise`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password }, app.url);
    assert.equal(page.status, 200, page.body.slice(0, 1000));
    return browser;
  };

  const row = async (login: string) =>
    (
      await app.dataSource.query<Array<Record<string, unknown>>>(`SELECT * FROM company_account WHERE login = $1`, [
        login,
      ])
    )[0];

  before(async () => {
    smtp = await startSmtpServer();
    mailSystem = await startHttpSink();
    app = await startTestApp({
      env: {
        SMTP_URL: smtp.url,
        MAILBOX_DOMAIN: 'boites.example.fr',
        MAILBOX_WEBHOOK_URL: `${mailSystem.url}/boites`,
        MAILBOX_WEBHOOK_SECRET: SECRET,
      },
    });
    const catalogue = app.app.get(Teleprocedures);
    await catalogue.add({
      code: 'AED',
      description: 'Attestation Employeur Dématérialisée',
      recipients: ['Pôle Emploi'],
    });
    await catalogue.add({ code: 'DSI', description: 'Déclaration Sociale des Indépendants', recipients: ['SSI'] });
    await company('asp1ent', '07955542100019', 'contact@asp-one.fr');
    await company('autre', '73282932000074', 'contact@autre.fr');
  });
  after(async () => {
    await app.close();
    await smtp.stop();
    await mailSystem.stop();
  });

  it('« Facturation »: the billing date, the responsable’s address or another one, with clear refusals', async () => {
    const browser = await signIn('asp1ent');
    let page = await browser.get(`${app.url}/compte/entreprise/facturation`, app.url);
    assert.equal(page.status, 200);
    assert.match(page.body, /Date de facturation<\/span> \d{2}\/\d{2}\/\d{4}/);
    assert.match(page.body, /id="useResponsableAddress" name="useResponsableAddress" value="oui" checked/);
    assert.match(page.body, /Adresse du responsable : 56 rue de Billancourt, 92100, BOULOGNE BILLANCOURT/);

    page = await browser.submit(page, /facturation$/, { billingPostalCode: '9210', billingStreetSuffix: 'zz' });
    assert.equal(page.status, 400);
    assert.match(page.body, /Saisissez le nom de voie \(ou une boîte postale\) de l’adresse de facturation/);
    assert.match(page.body, /Le code postal compte 5 chiffres/);
    assert.match(page.body, /Choisissez un suffixe de la liste/);
    assert.match(page.body, /value="9210"/, 'what was typed is kept');

    page = await browser.submit(page, /facturation$/, {
      billingStreetNumber: '12',
      billingStreetSuffix: 'bis',
      billingStreetName: 'avenue de la Gare',
      billingPostalCode: '42000',
      billingCity: 'SAINT-ETIENNE',
    });
    assert.equal(page.status, 200, page.body.slice(0, 2000));
    assert.match(page.body, /Les informations de facturation ont été enregistrées/);
    const saved = await row('asp1ent');
    assert.equal(saved.billing_uses_responsable_address, false);
    assert.equal(saved.billing_street_name, 'avenue de la Gare');
    assert.equal(saved.billing_street_suffix, 'bis');
    assert.equal(saved.billing_city, 'SAINT-ETIENNE');
    assert.equal((await row('autre')).billing_street_name, null, 'another company is untouched');
  });

  it('« Options »: the services’ switches are saved (the alert only with the subscription)', async () => {
    const browser = await signIn('asp1ent');
    let page = await browser.get(`${app.url}/compte/entreprise/options`, app.url);
    assert.match(page.body, /Relevés de Comptes/);
    assert.match(page.body, /Archivage à valeur probatoire/);
    page = await browser.submit(page, /options$/, {
      quota: '1',
      statementsAlert: 'oui',
      statementsMailbox: 'dedicated',
      archivingSubscribed: 'oui',
      teleprocedures: ['AED', 'DSI'],
    });
    assert.equal(page.status, 200, page.body.slice(0, 2000));
    let saved = await row('asp1ent');
    assert.equal(saved.statements_alert, false, 'no alert without the subscription');
    assert.equal(saved.archiving_subscribed, true);
    assert.equal(saved.statements_mailbox, 'dedicated');
    page = await browser.submit(page, /options$/, {
      quota: '1',
      statementsSubscribed: 'oui',
      statementsAlert: 'oui',
      statementsMailbox: 'ailleurs',
      teleprocedures: ['AED', 'DSI'],
    });
    assert.equal(page.status, 400);
    assert.match(page.body, /Choisissez la boîte de réception des relevés dans la liste/);
    page = await browser.submit(page, /options$/, {
      quota: '1',
      statementsSubscribed: 'oui',
      statementsAlert: 'oui',
      statementsMailbox: 'default',
      teleprocedures: ['AED', 'DSI'],
    });
    assert.equal(page.status, 200);
    saved = await row('asp1ent');
    assert.equal(saved.statements_subscribed, true);
    assert.equal(saved.statements_alert, true);
    assert.equal(saved.archiving_subscribed, false);
  });

  it('« Modifier » a secondary: identity, options within the primary’s rights, the mailbox warning and the required reset', async () => {
    const browser = await signIn('asp1ent');
    const form = await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/nouveau`, app.url);
    const created = await browser.submit(form, /nouveau$/, {
      name: 'cs1',
      password: SECONDARY_PASSWORD,
      passwordConfirmation: SECONDARY_PASSWORD,
      teleprocedures: 'AED',
    });
    assert.equal(created.status, 200, created.body.slice(0, 2000));
    const id = (await row('cs1.asp1ent')).id as string;
    assert.match(created.body, new RegExp(`href="/compte/entreprise/comptes-secondaires/${id}">Modifier`));

    let page = await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/${id}`, app.url);
    assert.equal(page.status, 200);
    assert.ok(page.url.endsWith(`/${id}/identite`));
    assert.match(page.body, /Compte secondaire cs1\.asp1ent/);
    assert.doesNotMatch(page.body, />Facturation</, 'a secondary is billed with its primary');
    page = await browser.submit(page, /identite$/, {
      copier: 'technique',
      name: 'ETABLISSEMENT NORD',
      familyName: 'BRUN',
      email: 'brun@example.fr',
      phone: '0477810469',
    });
    assert.match(page.body, /Les informations du responsable ont été copiées dans le contact technique/);
    assert.match(page.body, /id="technicalContactEmail" name="technicalContactEmail"[^>]*value="brun@example.fr"/);
    page = await browser.submit(page, /identite$/, {
      name: 'ETABLISSEMENT NORD',
      familyName: 'BRUN',
      email: 'brun@example.fr',
      nic: '00019',
      civility: 'monsieur',
      technicalContactName: 'BRUN',
    });
    assert.equal(page.status, 200, page.body.slice(0, 2000));
    assert.equal((await row('cs1.asp1ent')).name, 'ETABLISSEMENT NORD');
    assert.equal((await row('asp1ent')).name, 'SOCIETE ASP1ENT', 'the primary is untouched');

    // Options: no quota field; a forged téléprocédure beyond the primary's is refused, nothing saved.
    page = await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/${id}/options`, app.url);
    assert.doesNotMatch(page.body, /Nombre de comptes secondaires souhaités/);
    await app.dataSource.query(
      `INSERT INTO teleprocedure (code, description) VALUES ('DPAE', 'Déclaration Préalable à l''Embauche')`,
    );
    const forged = await browser.submit(page, /options$/, {
      teleprocedures: ['AED', 'DPAE'],
      statementsMailbox: 'default',
    });
    assert.equal(forged.status, 400);
    assert.match(forged.body, /ne peut disposer de plus de droits que le compte principal : DPAE/);
    assert.deepEqual(await app.app.get(Teleprocedures).of(id), ['AED']);

    // Switching to a mailbox: the seed's warning, the address provisioned by a signed webhook, a reset required.
    page = await browser.submit(page, /options$/, {
      mailbox: 'oui',
      autonomous: 'oui',
      teleprocedures: ['AED', 'DSI'],
      statementsMailbox: 'default',
    });
    assert.equal(page.status, 200, page.body.slice(0, 2000));
    assert.match(
      page.body,
      /ATTENTION : pour pouvoir accéder à sa boîte mail, le titulaire du compte secondaire devra impérativement réinitialiser son mot de passe/,
    );
    let saved = await row('cs1.asp1ent');
    assert.equal(saved.has_mailbox, true);
    assert.equal(saved.mailbox_address, 'cs1.asp1ent@boites.example.fr');
    assert.equal(saved.password_reset_required, true);
    assert.equal(saved.autonomous, true);
    await deliver();
    const announced = await mailSystem.waitFor((r) => r.path === '/boites');
    const event = new Webhook(SECRET).verify(announced.body, announced.headers as Record<string, string>) as {
      type: string;
      data: Record<string, unknown>;
    };
    assert.equal(event.type, 'mailbox.created');
    assert.equal(event.data.address, 'cs1.asp1ent@boites.example.fr');
    assert.equal(event.data.primary_login, 'asp1ent');
    const list = await browser.get(`${app.url}/compte/entreprise`, app.url);
    assert.match(list.body, /mot de passe à réinitialiser/);

    // The quota (1) is now used: a second account cannot switch to a mailbox.
    const other = await browser.submit(
      await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/nouveau`, app.url),
      /nouveau$/,
      { name: 'cs2', password: SECONDARY_PASSWORD, passwordConfirmation: SECONDARY_PASSWORD },
    );
    assert.equal(other.status, 200);
    const cs2 = (await row('cs2.asp1ent')).id as string;
    const refused = await browser.submit(
      await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/${cs2}/options`, app.url),
      /options$/,
      { mailbox: 'oui', statementsMailbox: 'default' },
    );
    assert.equal(refused.status, 409);
    assert.match(refused.body, /Le nombre de comptes secondaires avec boîte mail prévu \(1\) est atteint/);
    assert.equal((await row('cs2.asp1ent')).has_mailbox, false);

    // The reset, by the primary: the secondary's sessions end, the responsable is told, the mailbox is usable.
    page = await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/${id}/mot-de-passe`, app.url);
    assert.match(page.body, /devra impérativement réinitialiser son mot de passe/);
    const weak = await browser.submit(page, /mot-de-passe$/, { password: 'court', passwordConfirmation: 'court' });
    assert.equal(weak.status, 400);
    page = await browser.submit(page, /mot-de-passe$/, {
      password: 'Nouveau-Parapluie-77',
      passwordConfirmation: 'Nouveau-Parapluie-77',
    });
    assert.equal(page.status, 200, page.body.slice(0, 2000));
    assert.match(page.body, /Le mot de passe du compte cs1\.asp1ent a été réinitialisé/);
    saved = await row('cs1.asp1ent');
    assert.equal(saved.password_reset_required, false);
    await deliver();
    const notice = await smtp.waitFor(
      (m) => sentTo('brun@example.fr')(m) && /cs1\.asp1ent a été modifié/.test(m.subject ?? ''),
    );
    assert.match(notice.text ?? '', /^Monsieur,/);
    assert.match(notice.text ?? '', /Le mot de passe de votre compte cs1\.asp1ent vient d’être modifié/);
    assert.match(notice.text ?? '', /Avec nos salutations respectueuses/);
    assert.ok(await app.app.get(IdentityService).authenticate('cs1.asp1ent', 'Nouveau-Parapluie-77'));
  });

  it('« Mot de passe » of the primary: the current one checked, then the responsable’s notice', async () => {
    const browser = await signIn('asp1ent');
    let page = await browser.get(`${app.url}/compte/entreprise/mot-de-passe`, app.url);
    assert.match(page.body, /Mot de passe courant/);
    page = await browser.submit(page, /mot-de-passe$/, {
      currentPassword: 'pas-le-bon',
      password: 'Girafe-Bleue-2026',
      passwordConfirmation: 'Girafe-Bleue-2026',
    });
    assert.equal(page.status, 400);
    assert.match(page.body, /Mot de passe actuel incorrect/);
    page = await browser.submit(page, /mot-de-passe$/, {
      currentPassword: PASSWORD,
      password: 'Girafe-Bleue-2026',
      passwordConfirmation: 'Girafe-Bleue-2026',
    });
    assert.equal(page.status, 200, page.body.slice(0, 2000));
    assert.match(page.body, /Votre mot de passe a été modifié/);
    await deliver();
    const notice = await smtp.waitFor(
      (m) => sentTo('contact@asp-one.fr')(m) && /asp1ent a été modifié/.test(m.subject ?? ''),
    );
    assert.match(notice.text ?? '', /Le mot de passe de votre compte asp1ent vient d’être modifié/);
    // The same session goes on.
    assert.equal((await browser.get(`${app.url}/compte/entreprise`, app.url)).status, 200);
  });

  it('another company’s secondary account is « introuvable » on every tab, and nothing changes', async () => {
    const id = (await row('cs1.asp1ent')).id as string;
    const before = await row('cs1.asp1ent');
    const browser = await signIn('autre');
    const base = `${app.url}/compte/entreprise/comptes-secondaires/${id}`;
    for (const tab of ['identite', 'options', 'mot-de-passe'])
      assert.equal((await browser.get(`${base}/${tab}`, app.url)).status, 404, tab);
    const home = await browser.get(`${app.url}/compte/entreprise`, app.url);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? '';
    for (const [tab, fields] of [
      ['identite', { name: 'PIRATE', familyName: 'X', email: 'x@example.fr' }],
      ['options', { mailbox: '', statementsMailbox: 'default' }],
      ['mot-de-passe', { password: 'Pirate-Mot-2026', passwordConfirmation: 'Pirate-Mot-2026' }],
    ] as const) {
      const answer = await browser.post(`${base}/${tab}`, { _csrf: csrf, ...fields });
      assert.equal(answer.status, 404, tab);
    }
    assert.deepEqual(await row('cs1.asp1ent'), before);
    assert.equal(
      (await browser.get(`${app.url}/compte/entreprise/comptes-secondaires/pas-un-id/identite`, app.url)).status,
      400,
    );
  });
});
