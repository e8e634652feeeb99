import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CompanyAccountsDemo, DEMO_COMPANY } from '../../src/modules/secondary-accounts';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker, NotificationsService } from '../../src/modules/notifications';
import { FileStorage } from '../../src/platform/storage/file-storage';
import { makeAccount, signInToConsole } from '../support/admin';
import type { HttpBrowser } from '../support/http-browser';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/**
 * The console's account page: identity documents (downloaded by support and up, audited; never another account's),
 * other modules' sections through the seam (FranceConnect's link, the company account), and the dashboard's services
 * (health registry).
 */
describe('AdminModule: an account’s page (documents, sections of other modules) and the services on the dashboard', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let lecture: HttpBrowser;
  let support: HttpBrowser;
  let supportId: string;
  let holder: { id: string; email: string };
  let other: { id: string; email: string };
  let holderDocument: string;
  let otherDocument: string;

  /** A PDF identity document stored for the account, as the registration stores one. */
  async function storeDocument(accountId: string): Promise<string> {
    const key = `identity/${randomUUID()}`;
    await app.app.get(FileStorage).put(key, PDF);
    const [row] = await app.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO identity_document (account_id, kind, media_type, size, storage_key)
       VALUES ($1, 'passeport', 'application/pdf', $2, $3) RETURNING id`,
      [accountId, PDF.length, key],
    );
    return row.id;
  }

  before(async () => {
    smtp = await startSmtpServer({ rejectRecipient: (address) => address.startsWith('refuse') });
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    await makeAccount(app, 'lina.lecture', 'lecture');
    supportId = (await makeAccount(app, 'selma.support', 'support')).id;
    holder = await makeAccount(app, 'henri.titulaire');
    other = await makeAccount(app, 'olive.autre');
    holderDocument = await storeDocument(holder.id);
    otherDocument = await storeDocument(other.id);
    await app.app.get(CompanyAccountsDemo).seed();
    lecture = await signInToConsole(app, 'lina.lecture@example.fr');
    support = await signInToConsole(app, 'selma.support@example.fr');
  });
  after(async () => {
    await app?.close();
    await smtp?.stop();
  });

  const downloads = async () =>
    (
      await app.dataSource.query<Array<{ actor_id: string; target_id: string; details: Record<string, unknown> }>>(
        `SELECT actor_id, target_id, details FROM audit_event WHERE action = 'admin.account.document_downloaded'`,
      )
    ).map((e) => ({ actor: e.actor_id, target: e.target_id, details: e.details }));

  it('lists the identity documents; support downloads one (audited), never another account’s', async () => {
    const page = await support.get(`${app.url}/admin/comptes/${holder.id}`, app.url);
    assert.equal(page.status, 200);
    assert.match(page.body, /Pièces d’identité/);
    assert.match(page.body, /Passeport \(Union européenne\), déposée le /);
    assert.ok(page.body.includes(`/admin/comptes/${holder.id}/pieces/${holderDocument}`));
    assert.ok(!page.body.includes(otherDocument));

    const file = await support.download(`${app.url}/admin/comptes/${holder.id}/pieces/${holderDocument}`);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.match(file.headers.get('content-disposition') ?? '', /attachment; filename="piece-identite\.pdf"/);
    assert.equal(file.headers.get('cache-control'), 'private, no-store');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PDF);
    assert.deepEqual(await downloads(), [
      {
        actor: supportId,
        target: holder.id,
        details: { documentId: holderDocument, kind: 'Passeport (Union européenne)' },
      },
    ]);

    for (const path of [
      `/admin/comptes/${holder.id}/pieces/${otherDocument}`, // another account's document under this account
      `/admin/comptes/${holder.id}/pieces/${randomUUID()}`,
      `/admin/comptes/${holder.id}/pieces/pas-un-uuid`,
      `/admin/comptes/${randomUUID()}/pieces/${otherDocument}`,
    ]) {
      const refused = await support.download(`${app.url}${path}`);
      assert.equal(refused.status, 404, path);
      assert.ok(!Buffer.from(await refused.arrayBuffer()).includes(PDF), path);
    }
    assert.equal((await downloads()).length, 1, 'nothing more audited');
  });

  it('shows lecture the list without a download link, and refuses its download', async () => {
    const page = await lecture.get(`${app.url}/admin/comptes/${holder.id}`, app.url);
    assert.match(page.body, /Passeport \(Union européenne\), déposée le /);
    assert.ok(!page.body.includes(`/pieces/${holderDocument}`));
    const refused = await lecture.download(`${app.url}/admin/comptes/${holder.id}/pieces/${holderDocument}`);
    assert.equal(refused.status, 403);
    assert.equal((await downloads()).length, 1);
  });

  it('shows the sections other modules contribute: FranceConnect’s link and the company account', async () => {
    const plain = await lecture.get(`${app.url}/admin/comptes/${holder.id}`, app.url);
    assert.match(plain.body, /<section data-section="franceconnect">/);
    assert.match(plain.body, /<dd data-franceconnect>non lié<\/dd>/);
    assert.doesNotMatch(plain.body, /data-section="company"/, 'not a company account: no section');

    const identity = app.app.get(IdentityService);
    const primary = (await identity.findByLogin(DEMO_COMPANY.login))!;
    const page = await lecture.get(`${app.url}/admin/comptes/${primary.id}`, app.url);
    assert.match(page.body, /<section data-section="company">/);
    assert.match(page.body, /<dd data-company-profile>Compte Primaire<\/dd>/);
    const [company] = await app.dataSource.query<Array<{ siren: string; name: string; id: string }>>(
      `SELECT id, siren, name FROM company_account WHERE login = $1`,
      [DEMO_COMPANY.login],
    );
    assert.ok(page.body.includes(`<dd data-company-siren>${company.siren}</dd>`));
    assert.ok(page.body.includes(`<dd data-company-name>${company.name}</dd>`));

    const [secondary] = await app.dataSource.query<Array<{ account_id: string }>>(
      `SELECT account_id FROM company_account WHERE primary_id = $1 AND account_id IS NOT NULL LIMIT 1`,
      [company.id],
    );
    const secondaryPage = await lecture.get(`${app.url}/admin/comptes/${secondary.account_id}`, app.url);
    assert.match(secondaryPage.body, /<dd data-company-profile>Compte secondaire<\/dd>/);
    assert.match(secondaryPage.body, new RegExp(`<dt>Compte primaire</dt><dd>${DEMO_COMPANY.login}</dd>`));
  });

  it('shows on the dashboard the last success and error of the database, SMTP, the SMS gateway and FranceConnect', async () => {
    for (const to of ['henri.titulaire@example.fr', 'refuse.tout@example.fr']) {
      await app.dataSource.transaction((manager) =>
        app.app
          .get(NotificationsService)
          .enqueueEmail(manager, { to, template: 'test-email', data: { sentAt: 'maintenant' } }),
      );
    }
    await app.app.get(OutboxWorker).deliverDue();
    const page = await lecture.get(`${app.url}/admin`, app.url);
    const row = (service: string) =>
      new RegExp(`<tr data-service="${service}">([\\s\\S]*?)</tr>`).exec(page.body)?.[1] ?? '';
    assert.match(row('database'), /<td>Base de données<\/td><td>\d\d\/\d\d\/\d{4} \d\d:\d\d<\/td><td>aucune<\/td>/);
    assert.match(
      row('smtp'),
      /<td>Courriel \(SMTP\)<\/td><td>\d\d\/\d\d\/\d{4} \d\d:\d\d<\/td><td>\d\d\/\d\d\/\d{4} \d\d:\d\d : .+<\/td>/,
    );
    assert.match(row('sms'), /<td>aucun<\/td><td>aucune<\/td>/, 'no SMS sent by this instance');
    assert.match(row('franceconnect'), /<td>FranceConnect<\/td><td>aucun<\/td><td>aucune<\/td>/);
  });
});
