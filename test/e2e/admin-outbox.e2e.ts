import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotificationsService, OutboxWorker } from '../../src/modules/notifications';
import { csrfOf, makeAccount, signInToConsole } from '../support/admin';
import type { HttpBrowser } from '../support/http-browser';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

describe('AdminModule: the outbox in the console (list, detail, retry; recipient masked for lecture)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let reader: HttpBrowser;
  let support: HttpBrowser;
  let supportId: string;
  const failed: string[] = [];

  before(async () => {
    smtp = await startSmtpServer({ rejectRecipient: (address) => address.startsWith('refuse') });
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    await makeAccount(app, 'lou.lecture', 'lecture');
    supportId = (await makeAccount(app, 'sacha.support', 'support')).id;
    reader = await signInToConsole(app, 'lou.lecture@example.fr');
    support = await signInToConsole(app, 'sacha.support@example.fr');
    for (const to of ['refuse.un@example.fr', 'refuse.deux@example.fr']) {
      failed.push(
        await app.dataSource.transaction((manager) =>
          app.app
            .get(NotificationsService)
            .enqueueEmail(manager, { to, template: 'test-email', data: { sentAt: 'maintenant' } }),
        ),
      );
    }
    await app.app.get(OutboxWorker).deliverDue();
    const rows = await app.dataSource.query<Array<{ status: string }>>(
      `SELECT status FROM outbox_message WHERE id = ANY($1)`,
      [failed],
    );
    assert.deepEqual(
      rows.map((r) => r.status),
      ['failed', 'failed'],
    );
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  const statusOf = async (id: string) =>
    (await app.dataSource.query<Array<{ status: string }>>(`SELECT status FROM outbox_message WHERE id = $1`, [id]))[0]
      .status;

  it('shows lecture the messages with the recipient masked, no data, and refuses its retries', async () => {
    const list = await reader.get(`${app.url}/admin/envois?statut=failed`, app.url);
    assert.equal(list.status, 200);
    assert.match(list.body, /r•••@example\.fr/);
    assert.doesNotMatch(list.body, /refuse\.un@example\.fr/);
    assert.doesNotMatch(list.body, /Renvoyer tous/);
    const detail = await reader.get(`${app.url}/admin/envois/${failed[0]}`, app.url);
    assert.match(detail.body, /<dd data-recipient>r•••@example\.fr<\/dd>/);
    assert.doesNotMatch(detail.body, /maintenant/, 'the message’s data is never shown');
    assert.doesNotMatch(detail.body, /\/renvoyer"/);
    const token = csrfOf(list.body);
    assert.equal(
      (await reader.post(`${app.url}/admin/envois/${failed[0]}/renvoyer`, { _csrf: token }, app.url)).status,
      403,
    );
    assert.equal((await reader.post(`${app.url}/admin/envois/renvoyer-echecs`, { _csrf: token }, app.url)).status, 403);
    assert.equal(await statusOf(failed[0]), 'failed');
  });

  it('shows on the dashboard the last e-mail error met by the outbox', async () => {
    const [row] = await app.dataSource.query<Array<{ last_error: string }>>(
      `SELECT last_error FROM outbox_message WHERE id = $1`,
      [failed[1]],
    );
    const page = await support.get(`${app.url}/admin`, app.url);
    const email = /<tr data-channel="email">([\s\S]*?)<\/tr>/.exec(page.body)?.[1] ?? '';
    assert.ok(
      email.includes(
        row.last_error
          .replaceAll('<', '&lt;')
          .replaceAll('>', '&gt;')
          .replaceAll('"', '&quot;')
          .replaceAll("'", '&#39;'),
      ),
      email,
    );
  });

  it('answers 404 for an unknown or malformed message id', async () => {
    for (const id of ['d3adbeef-c0de-4fab-bcde-fedcbafedcba', 'pas-un-uuid']) {
      assert.equal((await support.get(`${app.url}/admin/envois/${id}`, app.url)).status, 404, id);
    }
  });

  it('lets support see the recipient, retry one failed message, then every failed one, audited', async () => {
    const detail = await support.get(`${app.url}/admin/envois/${failed[0]}`, app.url);
    assert.match(detail.body, /<dd data-recipient>refuse\.un@example\.fr<\/dd>/);
    const retried = await support.submit(detail, /\/renvoyer$/, {}, app.url);
    assert.equal(retried.status, 200);
    assert.match(retried.body, /Le message est remis en file d’envoi/);
    assert.equal(await statusOf(failed[0]), 'pending');
    const again = await support.post(
      `${app.url}/admin/envois/${failed[0]}/renvoyer`,
      { _csrf: csrfOf(retried.body) },
      app.url,
    );
    assert.equal(again.status, 409, 'a pending message is not retried');

    const list = await support.get(`${app.url}/admin/envois`, app.url);
    const all = await support.submit(list, /\/renvoyer-echecs$/, {}, app.url);
    assert.match(all.body, /1 message remis en file/);
    assert.equal(await statusOf(failed[1]), 'pending');
    const events = await app.dataSource.query<Array<{ target_id: string; details: unknown }>>(
      `SELECT target_id, details FROM audit_event WHERE action = 'admin.outbox.retried' AND actor_id = $1 ORDER BY id`,
      [supportId],
    );
    assert.deepEqual(
      events.map((e) => e.target_id),
      failed,
    );
    assert.deepEqual(events[0].details, {
      before: { status: 'failed', attempts: 1 },
      after: { status: 'pending', attempts: 0 },
    });
  });
});
