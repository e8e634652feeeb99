import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PendingAccountsJob, REGISTRATION_FLOOR_MS } from '../../src/modules/identity';
import { companyFields, companyStepsOneToThree, registerCompany } from '../support/company-registration';
import { HttpBrowser } from '../support/http-browser';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const pdf = (n: number) => ({ name: `cni-${n}.pdf`, type: 'application/pdf', data: PDF });

/**
 * The company registration's safeguards (seed 004): drafts are throttled per address, the last step answers no sooner
 * than the citizen form does, and the identity document is kept only once steps 1 to 3 are valid, never orphaned.
 */
describe('Company registration: throttled drafts, answer floor, identity document kept safely', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;

  before(async () => {
    smtp = await startSmtpServer();
    // Behind a proxy: each test speaks from its own address (X-Forwarded-For), so the drafts' counter is per test.
    app = await startTestApp({ env: { SMTP_URL: smtp.url, TRUST_PROXY: '1' } });
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  const from = (address: string, headers: Record<string, string> = {}) => {
    const browser = new HttpBrowser();
    browser.headers = { 'x-forwarded-for': address, ...headers };
    return browser;
  };
  const draftCount = async () =>
    Number((await app.dataSource.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM registration_draft`))[0].n);
  const draftOf = async (email: string) =>
    (
      await app.dataSource.query<Array<{ id: string; document: { storageKey: string } | null }>>(
        `SELECT id, document FROM registration_draft WHERE values->>'email' = $1`,
        [email],
      )
    )[0];
  const storedFiles = () => {
    const dir = join(app.config.dataDir, 'files', 'registration-draft');
    return existsSync(dir) ? readdirSync(dir).map((name) => `registration-draft/${name}`) : [];
  };

  it('throttles the drafts one address starts, in French or in English, and not another address’s', async () => {
    const fields = companyFields('unused@example.fr');
    const before = await draftCount();
    let refused: { status: number; body: string } | undefined;
    for (let i = 0; i < 12 && !refused; i++) {
      const browser = from('198.51.100.21');
      const page = await browser.get(`${app.url}/inscription/entreprise/etape/1`);
      const next = await browser.submit(page, /\/etape\/1$/, { ...fields[1], action: 'suivant' });
      if (next.status === 429) refused = next;
      else assert.match(next.url, /\/etape\/2$/);
    }
    assert.ok(refused, 'the drafts of one address are counted');
    assert.match(refused.body, /Trop de demandes d’inscription depuis votre connexion\. Réessayez dans \d+ minutes?\./);
    const started = (await draftCount()) - before;
    assert.ok(started >= 5 && started <= 12, `${started} drafts`);

    const english = from('198.51.100.21', { 'accept-language': 'en' });
    const page = await english.get(`${app.url}/inscription/entreprise/etape/1`);
    const refusedInEnglish = await english.submit(page, /\/etape\/1$/, { ...fields[1], action: 'suivant' });
    assert.equal(refusedInEnglish.status, 429);
    assert.match(
      refusedInEnglish.body,
      /Too many registration requests from your connection\. Try again in \d+ minutes?\./,
    );
    assert.equal((await draftCount()) - before, started, 'no draft once refused');

    const neighbour = from('198.51.100.22');
    const other = await neighbour.get(`${app.url}/inscription/entreprise/etape/1`);
    assert.match(
      (await neighbour.submit(other, /\/etape\/1$/, { ...fields[1], action: 'suivant' })).url,
      /\/etape\/2$/,
    );
  });

  it('answers the last step no sooner than the citizen form, for a new address and for one already in use', async () => {
    for (const [address, email] of [
      ['198.51.100.31', 'floor@bleu-sa.fr'],
      ['198.51.100.32', 'floor@bleu-sa.fr'],
    ] as const) {
      const browser = from(address);
      const fields = companyFields(email, { familyName: 'Plancher', givenName: 'Lea' });
      const page = await companyStepsOneToThree(browser, app.url, fields);
      const started = performance.now();
      const done = await browser.submit(page, /\/etape\/4$/, { ...fields[4], action: 'suivant' }, undefined, {
        identityDocument: pdf(1),
      });
      const elapsed = performance.now() - started;
      assert.equal(done.status, 200);
      assert.match(done.body, /Un e-mail d’activation vient d’être envoyé à floor@bleu-sa\.fr/);
      assert.ok(elapsed >= REGISTRATION_FLOOR_MS - 5, `answered after ${Math.round(elapsed)} ms`);
    }
  });

  it('keeps no identity document before steps 1 to 3 are valid (« Étape précédente » sent straight to step 4)', async () => {
    const browser = from('198.51.100.41');
    const page = await browser.get(`${app.url}/inscription/entreprise/etape/1`);
    const filesBefore = storedFiles().length;
    const back = await browser.post(
      `${app.url}/inscription/entreprise/etape/4`,
      {
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1],
        ...companyFields('early@bleu-sa.fr')[4],
        email: 'early@bleu-sa.fr',
        action: 'precedent',
      },
      undefined,
      { identityDocument: pdf(2) },
    );
    assert.ok(back.status < 500, back.body.slice(0, 500));
    const rows = await app.dataSource.query<Array<{ document: unknown }>>(
      `SELECT document FROM registration_draft WHERE document IS NOT NULL AND step < 3`,
    );
    assert.deepEqual(rows, [], 'no draft short of step 3 holds a document');
    assert.equal(storedFiles().length, filesBefore, 'no file stored');
  });

  it('leaves no orphan file when several uploads race on one draft, and none once the draft is purged', async () => {
    const browser = from('198.51.100.51');
    const fields = companyFields('race@bleu-sa.fr', { familyName: 'Course', givenName: 'Max' });
    const form = await companyStepsOneToThree(browser, app.url, fields);
    const filesBefore = new Set(storedFiles());
    // The same person double-clicks, or two tabs send at once: each upload replaces the one before, none is lost.
    const answers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) =>
        browser.submit(form, /\/etape\/4$/, { ...fields[4], acceptTerms: '', action: 'suivant' }, undefined, {
          identityDocument: pdf(n),
        }),
      ),
    );
    for (const answer of answers) assert.equal(answer.status, 400);
    const draft = await draftOf('race@bleu-sa.fr');
    assert.ok(draft.document, 'a document is kept');
    const added = storedFiles().filter((key) => !filesBefore.has(key));
    assert.deepEqual(added, [draft.document.storageKey], 'only the file the draft refers to is left');

    const purged = await app.app.get(PendingAccountsJob).purgeRegistrationDrafts(new Date(Date.now() + 25 * 3600_000));
    assert.ok(purged >= 1);
    assert.equal(storedFiles().length, 0, 'purged drafts leave no file behind');
  });

  it('still completes a registration in one go (the file kept at step 4 becomes the account’s document)', async () => {
    const done = await registerCompany(from('198.51.100.61'), app.url, companyFields('fin@bleu-sa.fr'), pdf(7));
    assert.equal(done.status, 200);
    assert.equal(storedFiles().length, 0, 'the draft’s file is gone with the draft');
  });
});
