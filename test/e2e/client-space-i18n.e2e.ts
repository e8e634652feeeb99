import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FirmsService } from '../../src/modules/client-space';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { makeFirm, PASSWORD, PDF, signInTo } from '../support/client-space';
import type { HttpBrowser } from '../support/http-browser';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const ALICE = 'alice.smith@example.com';
const PAUL = 'paul.martin@example.fr';

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];
/** The page's main content as text (the shell around it is translated elsewhere). */
const main = (body: string) =>
  (/<main[^>]*>([\s\S]*?)<\/main>/.exec(body)?.[1] ?? '')
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ')
    .replace(/\s+/g, ' ');
/** French words and letters that no English page of the client space shows (its data here is English). */
const FRENCH =
  /[àâçéèêëîïôùûœ«»]|\b(le|la|les|des|du|au|aux|une|et|ou|pour|avec|vous|votre|vos|mon|mes|dossiers?|cabinet|facture|payer|envoyer|accueil|déposer|coordonnées|interlocuteur|aucun|partager)\b/i;

function assertEnglish(page: { url: string; status: number; body: string }, what: string): string {
  assert.equal(lang(page.body), 'en', `${what}: <html lang>`);
  const text = main(page.body);
  assert.ok(text.trim().length > 0, `${what}: no main content`);
  assert.doesNotMatch(text, FRENCH, `${what}: French left in « ${text} »`);
  return text;
}

/**
 * The client space in English (issue 19): both sides' pages for the `langue=en` cookie and `Accept-Language: en`, a
 * form error answered in English, and the digest e-mail in its recipient's language (`account.locale`).
 */
describe('Client space in English (pages, form errors, digest e-mail)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let firmId: string;
  let staff: HttpBrowser;
  let alice: HttpBrowser;
  let dossierId: string;
  let base: string;

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    const made = await makeFirm(app, 'Delmas Partners', 'fabien.delmas');
    firmId = made.firm.id;
    base = `${app.url}/espace-cabinet/cabinets/${firmId}`;
    // Alice registered from English pages: her account speaks English (docs/i18n.md).
    const account = await app.app.get(IdentityService).createActiveAccount({
      email: ALICE,
      identifier: 'alice.smith',
      password: PASSWORD,
      givenName: 'Alice',
      familyName: 'Smith',
    });
    await app.dataSource.query(`UPDATE account SET locale = 'en' WHERE id = $1`, [account.id]);
    staff = await signInTo(app, '/espace-cabinet', made.email);
    staff.headers['accept-language'] = 'en-GB,en;q=0.9';
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  it('shows the firm’s pages in English for Accept-Language: en, with its form errors in English', async () => {
    const home = await staff.get(base);
    assert.equal(home.status, 200);
    const text = assertEnglish(home, 'firm home');
    assert.match(text, /Files/);
    assert.match(text, /No file yet\./);
    assert.match(text, /No client yet\./);
    assert.match(text, /Team/);
    assert.match(text, /Partner \/ lawyer/);
    assert.match(home.body, />Clients and files</);
    assert.match(home.body, />Sign out</);

    const form = await staff.get(`${base}/clients/nouveau`);
    assertEnglish(form, 'invite form');
    assert.match(form.body, /<h1>Invite a client<\/h1>/);
    assert.match(form.body, /Last name/);
    const wrong = await staff.submit(form, /clients\/nouveau$/, { kind: 'personne', familyName: 'SMITH', email: 'x' });
    assert.equal(wrong.status, 400);
    assertEnglish(wrong, 'invite form with errors');
    assert.match(wrong.body, /The form contains 2 errors/);
    assert.match(wrong.body, /Enter the first name\./);
    assert.match(wrong.body, /Enter a valid e-mail address, for example name@example\.com\./);
    assert.match(wrong.body, /value="SMITH"/);

    const invited = await staff.submit(form, /clients\/nouveau$/, {
      kind: 'personne',
      familyName: 'SMITH',
      givenName: 'Alice',
      email: ALICE,
    });
    assert.equal(invited.status, 200);
    assert.match(
      invited.body,
      /Invitation sent to alice\.smith@example\.com: the person will choose their own password\./,
    );
    await staff.submit(form, /clients\/nouveau$/, {
      kind: 'personne',
      familyName: 'MARTIN',
      givenName: 'Paul',
      email: PAUL,
    });

    const clients = await app.app.get(FirmsService).clients(firmId);
    const [interlocutor] = await app.app.get(FirmsService).staffOf(firmId);
    const dossierForm = await staff.get(`${base}/dossiers/nouveau`);
    assertEnglish(dossierForm, 'new file form');
    assert.match(dossierForm.body, /Create the file/);
    const created = await staff.submit(dossierForm, /dossiers\/nouveau$/, {
      number: '2024/77',
      label: 'SMITH / ESTATE AGENCY',
      interlocutorId: interlocutor.id,
      clientIds: clients.map((c) => c.id),
    });
    assert.equal(created.status, 200);
    dossierId = created.url.split('/').pop()!;
    assertEnglish(created, 'firm file page');
    assert.match(created.body, /<h1>File 2024\/77 - SMITH \/ ESTATE AGENCY<\/h1>/);
    assert.match(created.body, /Add an item/);

    const missing = await staff.submit(
      created,
      /\/elements$/,
      { kind: 'facture', title: '', date: 'x', amount: 'lots' },
      app.url,
      {
        file: { name: 'invoice.pdf', type: 'application/pdf', data: PDF },
      },
    );
    assert.equal(missing.status, 400);
    assertEnglish(missing, 'add item with errors');
    assert.match(missing.body, /Give a name or a title \(300 characters at most\)\./);
    assert.match(missing.body, /Give an amount in euros, for example 1250\.50\./);
    assert.match(missing.body, /Give the invoice number\./);

    const add = async (fields: Record<string, string>, name: string) =>
      staff.submit(
        await staff.get(`${base}/dossiers/${dossierId}`),
        /\/elements$/,
        { date: '2024-01-08', share: 'oui', ...fields },
        app.url,
        {
          file: { name, type: 'application/pdf', data: PDF },
        },
      );
    assert.equal((await add({ kind: 'document', title: 'Letter to the client' }, 'letter.pdf')).status, 200);
    const invoice = await add({ kind: 'facture', title: 'Fees', invoiceNumber: 'F-1', amount: '1250.50' }, 'fees.pdf');
    assert.equal(invoice.status, 200);
    const page = assertEnglish(invoice, 'firm file with items');
    assert.match(page, /The item has been added to the file\./);
    assert.match(page, /No\. F-1, €1,250\.50 incl\. VAT, to pay/);
    assert.match(page, /8 Jan 2024/);
    assert.match(invoice.body, /Stop sharing “Letter to the client”/);

    const branding = await staff.get(`${base}/apparence`);
    assertEnglish(branding, 'branding');
    assert.match(branding.body, /<h1>Look of the client space<\/h1>/);
  });

  it('delivers the digest in English to an account whose language is English, in French to the others', async () => {
    await app.dataSource.query(
      `UPDATE outbox_message SET next_attempt_at = now() WHERE template = 'client-space-digest'`,
    );
    await app.app.get(OutboxWorker).deliverDue();
    const english = await smtp.waitFor((m) => sentTo(ALICE)(m) && /client space/.test(m.subject ?? ''));
    assert.equal(english.subject, '2 new items in your client space');
    const text = english.text ?? '';
    assert.match(text, /^Hello,/);
    assert.match(text, /Delmas Partners has opened a client space for you/);
    assert.match(text, /- 1 document\n- 1 invoice/);
    assert.match(text, /Files concerned:\n\n?- 2024\/77 - SMITH \/ ESTATE AGENCY \(Delmas Partners\)/);
    assert.match(text, /To go to your client space, open this link:/);
    assert.doesNotMatch(text, /Bonjour|Votre|espace client|Dossiers concernés/);
    assert.match(String(english.html), /<html lang="en">/);
    assert.match(String(english.html), />Go to your client space</);

    const french = await smtp.waitFor((m) => sentTo(PAUL)(m) && /espace client/.test(m.subject ?? ''));
    assert.equal(french.subject, '2 nouveaux éléments sur votre espace client');
    assert.match(french.text ?? '', /^Bonjour,/);
    assert.match(french.text ?? '', /Delmas Partners vous a ouvert un espace client/);
    assert.match(french.text ?? '', /- 1 document\n- 1 facture/);
    assert.match(String(french.html), /<html lang="fr">/);
  });

  it('shows the client’s pages in English with the language switch’s cookie, and answers a form error in English', async () => {
    alice = await signInTo(app, '/espace-client', ALICE);
    const switched = await alice.get(
      `${app.url}/langue?choix=en&retour=${encodeURIComponent('/espace-client')}`,
      app.url,
    );
    assert.equal(switched.url, `${app.url}/espace-client/cabinets/${firmId}`);
    const client = `${app.url}/espace-client/cabinets/${firmId}`;
    const home = assertEnglish(switched, 'client home');
    assert.match(home, /Go to:/);
    assert.match(home, /DOCUMENTS \(1\)/);
    assert.match(home, /FILES \(1\)/);
    assert.match(home, /INVOICES \(1\)/);
    assert.match(home, /Update my contact details/);
    assert.match(home, /Document upload/);
    assert.match(switched.body, />My account</);
    assert.match(switched.body, /data-messages="[^"]*Choose at least one document\./);

    for (const [path, expected] of [
      ['/documents', /Documents \(1\).*Document name.*8 Jan 2024.*Letter to the client/],
      ['/dossiers', /Files \(1\).*Your files.*Number.*Contact person/],
      ['/factures', /Invoices \(1\).*Amount incl\. VAT.*€1,250\.50.*To pay.*Invoice F-1 \(PDF\)/],
      [`/dossiers/${dossierId}`, /Your contact person: DELMAS Fabien\..*Documents received/],
      ['/mon-compte', /My account.*Change my password/],
      [`/dossiers/${dossierId}/contact`, /Contact my contact person.*For example: Appointment request/],
    ] as const) {
      const page = await alice.get(`${client}${path}`);
      assert.equal(page.status, 200, path);
      assert.match(assertEnglish(page, path), expected, path);
    }
    const [invoice] = await app.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM shared_item WHERE title = 'Fees'`,
    );
    const invoicePage = await alice.get(`${client}/factures/${invoice.id}`);
    assert.match(assertEnglish(invoicePage, 'invoice'), /Invoice F-1.*Status.*To pay/);

    const contact = await alice.get(`${client}/coordonnees`);
    assertEnglish(contact, 'contact form');
    const refused = await alice.submit(contact, /coordonnees$/, {
      familyName: 'SMITH',
      givenName: 'Alice',
      email: ALICE,
      address: '1 High Street',
      postalCode: 'SW1A',
      city: 'London',
      phone: '04 67 15 98 42',
      mobile: '06 15 25 65 25',
    });
    assert.equal(refused.status, 400);
    const errors = assertEnglish(refused, 'contact form with an error');
    assert.match(errors, /The form contains 1 error/);
    assert.match(errors, /The postcode has 5 digits, for example 34470\./);
    assert.match(refused.body, /value="1 High Street"/);

    const messageForm = await alice.get(`${client}/dossiers/${dossierId}/contact`);
    const empty = await alice.submit(messageForm, /contact$/, { subject: '', body: '' }, app.url, {});
    assert.equal(empty.status, 400);
    assert.match(
      assertEnglish(empty, 'message with errors'),
      /Enter the subject of the message\..*Enter your message\./,
    );
    const sent = await alice.submit(
      messageForm,
      /contact$/,
      { subject: 'Meeting', body: 'Could we meet next week?' },
      app.url,
      {},
    );
    assert.equal(sent.status, 200);
    const dossier = assertEnglish(sent, 'client file after a message');
    assert.match(dossier, /Your message has been sent to your contact person\./);
    assert.match(dossier, /Messages .* — You Meeting/);
  });

  it('keeps the client’s pages in French without a choice, and answers a missing file in English', async () => {
    const french = await signInTo(app, '/espace-client', ALICE);
    const home = await french.get(`${app.url}/espace-client/cabinets/${firmId}`, app.url);
    assert.equal(lang(home.body), 'fr');
    assert.match(home.body, /Accéder à :/);
    assert.match(home.body, /FACTURES \(1\)/);
    const invoices = await french.get(`${app.url}/espace-client/cabinets/${firmId}/factures`);
    assert.match(invoices.body, /08\/01\/2024/);
    assert.match(invoices.body, /1\s250,50\s€/);
    const english = await staff.get(`${base}/dossiers/00000000-0000-4000-8000-000000000000`);
    assert.equal(english.status, 404);
    assert.match(main(english.body), /File not found\./);
  });
});
