import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PendingAccountsJob } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { companyFields, companyStepsOneToThree, registerCompany } from '../support/company-registration';
import { HttpBrowser } from '../support/http-browser';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/** Seed 004: « Comment créer mon espace client en tant que représentant d'une entreprise ? », in five steps. */
describe('Company registration in five steps (real SMTP server, SMS gateway)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let gateway: HttpSink;

  before(async () => {
    smtp = await startSmtpServer();
    gateway = await startHttpSink();
    app = await startTestApp({
      env: {
        SMTP_URL: smtp.url,
        SMS_GATEWAY_URL: `${gateway.url}/sms`,
        SMS_GATEWAY_TOKEN: 'jeton',
        // The insurer of seed 004 identifies the company by its SIREN and a contract number.
        REGISTRATION_CONTRACT_NUMBER: 'required',
      },
    });
  });
  after(async () => {
    await app.close();
    await smtp.stop();
    await gateway.stop();
  });

  const drafts = async () =>
    app.dataSource.query<Array<{ id: string; step: number; values: Record<string, unknown>; document: unknown }>>(
      `SELECT id, step, values, document FROM registration_draft ORDER BY created_at`,
    );
  const fileOf = (key: string) => join(app.config.dataDir, 'files', ...key.split('/'));

  it('checks each step on the server before the next, announces the current step, and loses nothing going back', async () => {
    const browser = new HttpBrowser();
    const fields = companyFields('claire@durand-sas.fr', {
      organisationName: 'Durand SAS',
      familyName: 'Durand',
      givenName: 'Claire',
      civility: 'madame',
      mobilePhone: '06 11 22 33 44',
      landlinePhone: '01 23 45 67 89',
      addressLine: '12 rue des Lilas',
      postalCode: '69003',
      city: 'Lyon',
      jobTitle: 'Gérante',
      contractNumber: 'CT-2026-042',
    });
    // A later step cannot be reached before the earlier ones are done.
    const skipped = await browser.get(`${app.url}/inscription/entreprise/etape/3`);
    assert.match(skipped.url, /\/etape\/1$/);
    assert.equal((await drafts()).length, 0, 'a visit alone keeps nothing');
    let page = skipped;
    assert.match(page.body, /<li class="platform-stepper__step platform-stepper__step--current" aria-current="step">/);
    assert.match(page.body, /Étape 1 sur 5 : Votre entreprise/);
    assert.match(page.body, /Où trouver votre numéro de contrat \?/);
    assert.match(page.body, /<title>Créer mon compte Entreprise, étape 1 sur 5 - /);

    page = await browser.submit(page, /\/etape\/1$/, {
      ...fields[1],
      organisationNumber: '732 829 321',
      action: 'suivant',
    });
    assert.equal(page.status, 400);
    assert.match(page.body, /la clé de contrôle ne correspond pas/);
    assert.match(page.body, /value="Durand SAS"/);
    page = await browser.submit(page, /\/etape\/1$/, { ...fields[1], action: 'suivant' });
    assert.match(page.url, /\/etape\/2$/);
    assert.match(page.body, /Étape 2 sur 5 : Vos coordonnées personnelles/);

    page = await browser.submit(page, /\/etape\/2$/, { ...fields[2], givenName: '', action: 'suivant' });
    assert.equal(page.status, 400);
    assert.match(page.body, /id="givenName-erreur"/);
    assert.doesNotMatch(page.body, /id="email-erreur"/, 'the fields of later steps are not judged yet');
    page = await browser.submit(page, /\/etape\/2$/, { ...fields[2], action: 'suivant' });
    assert.match(page.url, /\/etape\/3$/);
    assert.match(page.body, /ne peut être associée qu’à une seule personne/);

    // « Étape précédente » keeps what was typed on this step, unchecked, and the earlier step comes back filled in.
    page = await browser.submit(page, /\/etape\/3$/, { ...fields[3], email: 'pas-encore', action: 'precedent' });
    assert.match(page.url, /\/etape\/2$/);
    assert.match(page.body, /value="Claire"/);
    assert.match(page.body, /value="06 11 22 33 44"/);
    page = await browser.get(`${app.url}/inscription/entreprise/etape/1`);
    assert.match(page.body, /value="CT-2026-042"/);
    page = await browser.get(`${app.url}/inscription/entreprise/etape/3`);
    assert.match(page.body, /value="pas-encore"/);
    assert.match(page.body, /value="12 rue des Lilas"/);
    page = await browser.submit(page, /\/etape\/3$/, { ...fields[3], action: 'suivant' });
    assert.match(page.url, /\/etape\/4$/);
    assert.match(page.body, /value="claire\.durand"/, 'the identifier proposed');
    assert.match(page.body, /Carte nationale d’identité française, y compris dans son nouveau format de 2021/i);

    page = await browser.submit(page, /\/etape\/4$/, { ...fields[4], action: 'suivant' }, undefined, {
      identityDocument: { name: 'cni-claire.pdf', type: 'application/pdf', data: PDF },
    });
    assert.equal(page.status, 200, page.body.slice(0, 3000));
    assert.match(page.body, /Étape 5 sur 5 : Activation de votre compte/);
    assert.match(page.body, /Vérifiez votre boîte e-mail/);
    assert.match(page.body, /claire\.durand/);
    assert.equal((await drafts()).length, 0, 'the draft is gone once the account exists');

    const [account] = await app.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT a.status, a.profile, n.siret, a.contract_number, a.organisation_name, a.mobile_phone, a.landline_phone,
              a.address_line, a.postal_code, a.city, a.job_title
       FROM account a LEFT JOIN organisation_number n ON n.account_id = a.id WHERE a.email = 'claire@durand-sas.fr'`,
    );
    assert.deepEqual(account, {
      status: 'pending',
      profile: 'entreprise',
      siret: '73282932000074',
      contract_number: 'CT-2026-042',
      organisation_name: 'Durand SAS',
      mobile_phone: '+33611223344',
      landline_phone: '+33123456789',
      address_line: '12 rue des Lilas',
      postal_code: '69003',
      city: 'Lyon',
      job_title: 'Gérante',
    });
    // Step 5 of the seed: the e-mail, even with a mobile number.
    await app.app.get(OutboxWorker).deliverDue();
    const mail = await smtp.waitFor(sentTo('claire@durand-sas.fr'));
    assert.equal(mail.subject, 'Activez votre compte');
    assert.equal(gateway.requests.length, 0, 'no SMS');
  });

  it('keeps the identity document between attempts, says so, and replaces it only when another is chosen', async () => {
    const browser = new HttpBrowser();
    const fields = companyFields('hugo@leroy-sarl.fr', {
      familyName: 'Leroy',
      givenName: 'Hugo',
      contractNumber: 'CT-1',
    });
    const form = await companyStepsOneToThree(browser, app.url, fields);
    const refused = await browser.submit(
      form,
      /\/etape\/4$/,
      { ...fields[4], passwordConfirmation: 'autre-chose', action: 'suivant' },
      undefined,
      { identityDocument: { name: 'passeport hugo.pdf', type: 'application/pdf', data: PDF } },
    );
    assert.equal(refused.status, 400);
    assert.match(refused.body, /Les deux mots de passe ne sont pas identiques/);
    assert.match(refused.body, /Votre document passeport hugo\.pdf est conservé/);
    const [draft] = await drafts();
    const kept = (draft.document as { storageKey: string }).storageKey;
    assert.ok(existsSync(fileOf(kept)));

    // Back to step 3 and forth again: the document is still there.
    let page = await browser.submit(refused, /\/etape\/4$/, { ...fields[4], action: 'precedent' });
    assert.match(page.url, /\/etape\/3$/);
    page = await browser.submit(page, /\/etape\/3$/, { ...fields[3], action: 'suivant' });
    assert.match(page.body, /Votre document passeport hugo\.pdf est conservé/);

    page = await browser.submit(page, /\/etape\/4$/, { ...fields[4], action: 'suivant' });
    assert.equal(page.status, 200, page.body.slice(0, 3000));
    const [document] = await app.dataSource.query<Array<{ media_type: string; storage_key: string }>>(
      `SELECT d.media_type, d.storage_key FROM identity_document d JOIN account a ON a.id = d.account_id
       WHERE a.email = 'hugo@leroy-sarl.fr'`,
    );
    assert.equal(document.media_type, 'application/pdf');
    assert.ok(existsSync(fileOf(document.storage_key)));
    assert.ok(!existsSync(fileOf(kept)), 'the draft’s copy is deleted with the draft');
  });

  it('gives nobody else’s draft: a forged cookie, or none, starts afresh', async () => {
    const owner = new HttpBrowser();
    const fields = companyFields('ines@roux-eurl.fr', {
      familyName: 'Roux',
      givenName: 'Inès',
      contractNumber: 'CT-2',
    });
    await companyStepsOneToThree(owner, app.url, fields);
    const stranger = new HttpBrowser();
    const page = await stranger.get(`${app.url}/inscription/entreprise/etape/4`);
    assert.match(page.url, /\/etape\/1$/);
    assert.doesNotMatch(page.body, /Roux|ines@roux/);
    const [{ id }] = (await drafts()).filter((d) => d.values.email === 'ines@roux-eurl.fr');
    const forged = await fetch(`${app.url}/inscription/entreprise/etape/2`, {
      headers: { cookie: `inscription_entreprise=${id}` },
      redirect: 'manual',
    });
    assert.equal(forged.status, 303);
    assert.match(forged.headers.get('location') ?? '', /\/etape\/1$/);
    const unknownStep = await stranger.get(`${app.url}/inscription/entreprise/etape/9`);
    assert.equal(unknownStep.status, 404);
  });

  it('purges the drafts left for a day, with their files (controlled clock)', async () => {
    const browser = new HttpBrowser();
    const fields = companyFields('oubli@vide-sa.fr', {
      familyName: 'Vide',
      givenName: 'Oubli',
      contractNumber: 'CT-3',
    });
    const form = await companyStepsOneToThree(browser, app.url, fields);
    await browser.submit(form, /\/etape\/4$/, { ...fields[4], acceptTerms: '', action: 'suivant' }, undefined, {
      identityDocument: { name: 'cni.pdf', type: 'application/pdf', data: PDF },
    });
    const left = (await drafts()).find((d) => d.values.email === 'oubli@vide-sa.fr')!;
    const key = (left.document as { storageKey: string }).storageKey;
    const job = app.app.get(PendingAccountsJob);
    assert.equal(await job.purgeRegistrationDrafts(new Date(Date.now() + 23 * 3600_000)), 0, 'not yet');
    assert.ok((await job.purgeRegistrationDrafts(new Date(Date.now() + 25 * 3600_000))) >= 1);
    assert.equal((await drafts()).filter((d) => d.id === left.id).length, 0);
    assert.ok(!existsSync(fileOf(key)));
    // The person who comes back finds step 1, empty.
    const again = await browser.get(`${app.url}/inscription/entreprise/etape/4`);
    assert.match(again.url, /\/etape\/1$/);
  });

  it('answers the whole registration in one go through the helper', async () => {
    const done = await registerCompany(
      new HttpBrowser(),
      app.url,
      companyFields('zoe@bleu-sa.fr', { contractNumber: 'CT-4' }),
      {
        name: 'cni.pdf',
        type: 'application/pdf',
        data: PDF,
      },
    );
    assert.equal(done.status, 200);
    assert.match(done.body, /Un e-mail d’activation vient d’être envoyé à zoe@bleu-sa\.fr/);
  });
});
