import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { NotificationsService, OutboxWorker, WebhookTransport } from '../../src/modules/notifications';
import { startHttpSink, type HttpSink } from '../support/http-sink';
import { freePort } from '../support/ports';
import { spawnPlatform, waitUntilReady } from '../support/process';
import { startSmtpServer, type TestSmtpOptions } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

const sentAt = '23/11/2026 21:00:00';

function transaction<T>(
  app: TestApp,
  work: (service: NotificationsService, manager: DataSource['manager']) => Promise<T>,
) {
  return app.app.get(DataSource).transaction((manager) => work(app.app.get(NotificationsService), manager));
}

async function outboxRow(app: TestApp, id: string) {
  return (await app.app.get(NotificationsService).find(id))!;
}

describe('SMS through an HTTP gateway', () => {
  let gateway: HttpSink;
  let app: TestApp;
  let worker: OutboxWorker;
  before(async () => {
    gateway = await startHttpSink();
    app = await startTestApp({ env: { SMS_GATEWAY_URL: `${gateway.url}/sms`, SMS_GATEWAY_TOKEN: 'jeton-secret' } });
    worker = app.app.get(OutboxWorker);
    worker.configure({ baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 3 });
  });
  after(async () => {
    await app.close();
    await gateway.stop();
  });

  it('normalises the number to E.164 and posts the French text with the token', async () => {
    const id = await transaction(app, (service, manager) =>
      service.enqueueSms(manager, { to: '06 12 34 56 78', template: 'test-sms', data: { sentAt } }),
    );
    await worker.deliverDue();
    const received = await gateway.waitFor((r) => r.body.includes(id));
    assert.equal(received.path, '/sms');
    assert.equal(received.headers.authorization, 'Bearer jeton-secret');
    const body = JSON.parse(received.body) as { to: string; text: string; reference: string };
    assert.equal(body.to, '+33612345678');
    assert.equal(body.reference, id);
    assert.match(body.text, /SMS d’essai demandé le 23\/11\/2026 21:00:00/);
    assert.equal((await outboxRow(app, id)).status, 'sent');
  });

  it('refuses an invalid number before anything is queued', async () => {
    await assert.rejects(
      transaction(app, (service, manager) =>
        service.enqueueSms(manager, { to: '06 12', template: 'test-sms', data: { sentAt } }),
      ),
      /Numéro de téléphone invalide/,
    );
  });

  it('retries while the gateway fails, and gives up at once when it refuses the message', async () => {
    gateway.status = 503;
    const id = await transaction(app, (service, manager) =>
      service.enqueueSms(manager, { to: '+33 7 81 23 45 01', template: 'test-sms', data: { sentAt } }),
    );
    await worker.deliverDue();
    assert.equal((await outboxRow(app, id)).status, 'pending');
    assert.match((await outboxRow(app, id)).lastError ?? '', /a répondu 503/);
    gateway.status = 200;
    await app.dataSource.query(`UPDATE outbox_message SET next_attempt_at = now() WHERE id = $1`, [id]);
    await worker.deliverDue();
    assert.equal((await outboxRow(app, id)).status, 'sent');

    gateway.status = 400;
    const refused = await transaction(app, (service, manager) =>
      service.enqueueSms(manager, { to: '+33 7 81 23 45 02', template: 'test-sms', data: { sentAt } }),
    );
    await worker.deliverDue();
    const row = await outboxRow(app, refused);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 1);
    gateway.status = 200;
  });
});

describe('SMS without a gateway', () => {
  it('land in the development mailbox outside production', async () => {
    const app = await startTestApp();
    try {
      assert.equal(app.app.get(NotificationsService).smsAvailable, true);
      await transaction(app, (service, manager) =>
        service.enqueueSms(manager, { to: '0612345678', template: 'test-sms', data: { sentAt } }),
      );
      await app.app.get(OutboxWorker).deliverDue();
      const list = await request(app.url).get('/dev/boite-mail');
      assert.match(list.text, /<td>SMS<\/td><td>\+33612345678<\/td>/);
      const id = /href="\/dev\/boite-mail\/([0-9a-f-]{36})"/.exec(list.text)![1];
      assert.match((await request(app.url).get(`/dev/boite-mail/${id}`)).text, /SMS d’essai demandé/);
      assert.equal((await request(app.url).get(`/dev/boite-mail/${id}/html`)).status, 404);
    } finally {
      await app.close();
    }
  });
});

describe('Webhooks', () => {
  let receiver: HttpSink;
  let app: TestApp;
  let worker: OutboxWorker;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  before(async () => {
    receiver = await startHttpSink();
    app = await startTestApp();
    worker = app.app.get(OutboxWorker);
    worker.configure({ baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 3 });
  });
  after(async () => {
    await app.close();
    await receiver.stop();
  });

  it('posts the body signed with Standard Webhooks headers, which the receiver verifies', async () => {
    const body = JSON.stringify({ type: 'account.created', id: 'a1' });
    const id = await transaction(app, (service, manager) =>
      service.enqueueWebhook(manager, {
        url: `${receiver.url}/evenements`,
        body,
        contentType: 'application/json',
        signingSecret: secret,
      }),
    );
    const [stored] = await app.dataSource.query<Array<{ data: string }>>(
      `SELECT data::text FROM outbox_message WHERE id = $1`,
      [id],
    );
    assert.equal(stored.data.includes(secret.slice(6)), false, 'secret stored sealed');
    await worker.deliverDue();
    const received = await receiver.waitFor((r) => r.path === '/evenements');
    assert.equal(received.body, body);
    assert.equal(received.headers['webhook-id'], id);
    assert.deepEqual(new Webhook(secret).verify(received.body, received.headers as Record<string, string>), {
      type: 'account.created',
      id: 'a1',
    });
    assert.throws(() =>
      new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(
        received.body,
        received.headers as Record<string, string>,
      ),
    );
  });

  it('ends as failed, without sending, once expired', async () => {
    const id = await transaction(app, (service, manager) =>
      service.enqueueWebhook(manager, {
        url: `${receiver.url}/perime`,
        body: 'x=1',
        contentType: 'application/x-www-form-urlencoded',
        expiresAt: new Date(Date.now() - 1000),
      }),
    );
    await worker.deliverDue();
    const row = await outboxRow(app, id);
    assert.equal(row.status, 'failed');
    assert.match(row.lastError ?? '', /expiré/);
    assert.equal(receiver.requests.filter((r) => r.path === '/perime').length, 0);
  });

  it('refuses, in production, the addresses that are not public (SSRF)', async () => {
    const { config } = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://compte.example.fr',
      SECRET_KEY: randomBytes(32).toString('base64url'),
      SMTP_URL: 'smtp://127.0.0.1:25',
      DATABASE_URL: 'postgres://u:p@127.0.0.1/db',
    });
    const transport = new WebhookTransport(config);
    try {
      for (const url of [`${receiver.url}/x`, 'http://10.0.0.1/x', 'http://[::1]/x', 'http://169.254.169.254/x']) {
        await assert.rejects(transport.send({ url, body: '', contentType: 'text/plain' }, 'id'), /non publique/, url);
      }
      // A name that resolves to loopback is refused at connection time.
      await assert.rejects(
        transport.send(
          { url: `http://localhost:${new URL(receiver.url).port}/x`, body: '', contentType: 'text/plain' },
          'id',
        ),
        /non publique/,
      );
      assert.equal(transport.allowed('8.8.8.8'), true);
      assert.equal(transport.allowed('::ffff:127.0.0.1'), false);
      assert.equal(receiver.requests.filter((r) => r.path === '/x').length, 0);
    } finally {
      await transport.onModuleDestroy();
    }
  });
});

describe('Digests', () => {
  it('groups the items enqueued for one person within the window into one e-mail', async () => {
    const smtp = await startSmtpServer();
    const app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    try {
      const worker = app.app.get(OutboxWorker);
      const add = (to: string, text: string) =>
        transaction(app, (service, manager) =>
          service.enqueueDigestItem(manager, {
            to,
            template: 'activity-digest',
            item: { text, path: '/compte' },
          }),
        );
      const first = await add('claire@example.fr', 'Maître Dupont a partagé « Statuts.pdf »');
      assert.equal(await add('claire@example.fr', 'Maître Dupont a partagé « Kbis.pdf »'), first);
      assert.equal(await add('claire@example.fr', 'Un dossier a été créé'), first);
      const other = await add('paul@example.fr', 'Un document vous attend');
      assert.notEqual(other, first);
      // Not sent before the window closes.
      await worker.deliverDue();
      assert.equal((await outboxRow(app, first)).status, 'pending');

      await app.dataSource.query(`UPDATE outbox_message SET next_attempt_at = now() WHERE id IN ($1, $2)`, [
        first,
        other,
      ]);
      await worker.deliverDue();
      const mail = await smtp.waitFor((m) => m.messageId === `<${first}@plateforme-identite>`);
      assert.equal(mail.subject, '3 nouveautés sur votre compte');
      assert.match(mail.text ?? '', /Statuts\.pdf.*\n.*Kbis\.pdf.*\n.*Un dossier a été créé/);
      assert.match(String(mail.html), new RegExp(`<a href="${app.url}/compte"`));
      const single = await smtp.waitFor((m) => m.messageId === `<${other}@plateforme-identite>`);
      assert.equal(single.subject, 'Du nouveau sur votre compte');

      // Once sent, the next item opens a new digest.
      const next = await add('claire@example.fr', 'Encore un document');
      assert.notEqual(next, first);
      assert.equal(smtp.messages.length, 2);
    } finally {
      await app.close();
      await smtp.stop();
    }
  });
});

describe('A platform process killed in the middle of sending', () => {
  it('loses nothing: the message is sent after a restart', async () => {
    const smtpOptions: TestSmtpOptions = { stall: true };
    const smtp = await startSmtpServer(smtpOptions);
    const database = await createTestDatabase();
    const port = await freePort();
    const env = {
      NODE_ENV: 'test',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '1',
      SECRET_KEY: randomBytes(32).toString('base64url'),
      SMTP_URL: smtp.url,
      OUTBOX_LEASE_SECONDS: '2',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'platform-kill-')),
    };
    const client = new Client({ connectionString: database.url });
    await client.connect();
    const [{ id }] = (
      await client.query<{ id: string }>(
        `INSERT INTO outbox_message (channel, recipient, template, data) VALUES ('email', 'survie@example.fr', 'test-email', $1) RETURNING id`,
        [{ sentAt }],
      )
    ).rows;
    await client.end();
    let platform = spawnPlatform(env);
    try {
      await waitUntilReady(platform, `${env.PUBLIC_URL}/health/live`);
      // The SMTP server has the message and has not answered: the process dies in the middle of sending.
      const deadline = Date.now() + 10_000;
      while (smtp.stalled.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(smtp.stalled.length, 1, platform.output());
      platform.child.kill('SIGKILL');
      await platform.exited;

      smtpOptions.stall = false;
      platform = spawnPlatform(env);
      await waitUntilReady(platform, `${env.PUBLIC_URL}/health/live`);
      const mail = await smtp.waitFor((m) => m.messageId === `<${id}@plateforme-identite>`, 20_000);
      assert.match(mail.text ?? '', /Ce message d’essai/);
    } finally {
      platform.child.kill('SIGKILL');
      await platform.exited;
      await smtp.stop();
      await database.drop();
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
  });
});
