import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  NotificationsService,
  OutboxWorker,
  renderMail,
  renderSms,
  SMS_TEMPLATE_NAMES,
  TEMPLATE_NAMES,
  type SmsTemplateData,
  type SmsTemplateName,
  type TemplateData,
  type TemplateName,
} from '../../src/modules/notifications';
import { sentTo, startSmtpServer, type TestSmtpOptions, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, usesEmbeddedDatabase } from '../support/test-database';

const data = { sentAt: '23/11/2026 21:00:00' };

async function enqueue(app: TestApp, to: string, idempotencyKey?: string): Promise<string> {
  return app.app
    .get(DataSource)
    .transaction((manager) =>
      app.app.get(NotificationsService).enqueueEmail(manager, { to, template: 'test-email', data, idempotencyKey }),
    );
}

async function status(app: TestApp, id: string) {
  return (await app.app.get(NotificationsService).find(id))!;
}

describe('Notifications outbox (real SMTP server)', () => {
  let smtp: TestSmtpServer;
  const smtpOptions: TestSmtpOptions = {};
  let app: TestApp;
  let worker: OutboxWorker;

  before(async () => {
    smtp = await startSmtpServer(smtpOptions);
    app = await startTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Plateforme <ne-pas-repondre@example.fr>' } });
    worker = app.app.get(OutboxWorker);
    worker.configure({ baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 3 });
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  it('delivers a message enqueued in a committed transaction, once, in French, with absolute links', async () => {
    const id = await enqueue(app, 'marie@example.fr');
    await worker.deliverDue();
    const mail = await smtp.waitFor(sentTo('marie@example.fr'));
    assert.equal(mail.subject, 'Message d’essai de la Plateforme d’identité');
    assert.match(mail.text ?? '', /Ce message d’essai a été demandé le 23\/11\/2026 21:00:00/);
    assert.match(String(mail.html), new RegExp(`<a href="${app.url}/"`));
    assert.doesNotMatch(String(mail.html), /<img|<script/);
    assert.equal(mail.messageId, `<${id}@plateforme-identite>`);
    await worker.deliverDue();
    assert.equal(smtp.messages.filter((m) => m.messageId === mail.messageId).length, 1);
    assert.equal((await status(app, id)).status, 'sent');
  });

  it('never sends a message whose transaction rolled back', async () => {
    await assert.rejects(
      app.app.get(DataSource).transaction(async (manager) => {
        await app.app
          .get(NotificationsService)
          .enqueueEmail(manager, { to: 'annule@example.fr', template: 'test-email', data });
        throw new Error('annulation');
      }),
      /annulation/,
    );
    await worker.deliverDue();
    assert.equal(smtp.messages.some(sentTo('annule@example.fr')), false);
    assert.deepEqual(
      await app.dataSource.query(`SELECT id FROM outbox_message WHERE recipient = 'annule@example.fr'`),
      [],
    );
  });

  it('keeps one message per idempotency key', async () => {
    const first = await enqueue(app, 'double@example.fr', 'cle-unique-1');
    assert.equal(await enqueue(app, 'double@example.fr', 'cle-unique-1'), first);
    const [{ n }] = await app.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_message WHERE idempotency_key = 'cle-unique-1'`,
    );
    assert.equal(n, 1);
  });

  it('ends as failed after a permanent refusal, and is delivered once an operator retries it', async () => {
    smtpOptions.rejectRecipient = (address) => address === 'refuse@example.fr';
    const id = await enqueue(app, 'refuse@example.fr');
    await worker.deliverDue();
    const failed = await status(app, id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.lastError ?? '', /SMTP 550/);
    smtpOptions.rejectRecipient = undefined;
    await app.app.get(NotificationsService).retry(id);
    await worker.deliverDue();
    await smtp.waitFor(sentTo('refuse@example.fr'));
    assert.equal((await status(app, id)).status, 'sent');
  });

  it('sends again a message that a dead worker left in the middle of sending', async () => {
    const id = await enqueue(app, 'reprise@example.fr');
    // What a worker killed between claim and outcome leaves behind: claimed, lease run out.
    await app.dataSource.query(
      `UPDATE outbox_message SET status = 'sending', attempts = 1, locked_until = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await worker.deliverDue();
    await smtp.waitFor(sentTo('reprise@example.fr'));
    assert.equal((await status(app, id)).status, 'sent');
  });

  it('exposes queue figures on /metrics', async () => {
    const res = await request(app.url).get('/metrics');
    assert.match(res.text, /outbox_messages\{status="sent"\} \d+/);
    assert.match(res.text, /outbox_messages_sent_total\{channel="email"\} \d+/);
    assert.match(res.text, /outbox_oldest_due_seconds \d/);
  });
});

describe('Notifications outbox when the SMTP server is down', () => {
  it('keeps the message pending and delivers it once the server is back', async () => {
    const smtp = await startSmtpServer();
    const port = smtp.port;
    await smtp.stop();
    const app = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
    try {
      const worker = app.app.get(OutboxWorker);
      worker.configure({ baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 20 });
      const id = await enqueue(app, 'patience@example.fr');
      await worker.deliverDue();
      const waiting = await status(app, id);
      assert.equal(waiting.status, 'pending');
      assert.match(waiting.lastError ?? '', /ECONNREFUSED|connect/i);
      const back = await startSmtpServer({ port });
      try {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await worker.deliverDue();
        await back.waitFor(sentTo('patience@example.fr'));
        assert.equal((await status(app, id)).status, 'sent');
      } finally {
        await back.stop();
      }
    } finally {
      await app.close();
    }
  });
});

describe(
  'Two instances delivering one outbox',
  { skip: usesEmbeddedDatabase() && 'la base embarquée sert une seule instance' },
  () => {
    it('never sends the same message twice in a run of 300', async () => {
      const smtp = await startSmtpServer();
      const database = await createTestDatabase();
      const env = { SMTP_URL: smtp.url, SECRET_KEY: randomBytes(32).toString('base64url') };
      const first = await startTestApp({ database, env });
      const second = await startTestApp({ database, env });
      try {
        const ids = new Set<string>();
        await first.app.get(DataSource).transaction(async (manager) => {
          for (let i = 0; i < 300; i++) {
            ids.add(
              await first.app
                .get(NotificationsService)
                .enqueueEmail(manager, { to: `n${i}@example.fr`, template: 'test-email', data }),
            );
          }
        });
        const workers = [first, second].map((app) => app.app.get(OutboxWorker));
        for (const worker of workers) worker.configure({ batchSize: 20 });
        const handled = await Promise.all(workers.map((worker) => worker.deliverDue()));
        assert.ok(handled[0] > 0 && handled[1] > 0, `répartition : ${handled.join(' / ')}`);
        const deadline = Date.now() + 20_000;
        while (smtp.messages.length < 300 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50));
        const received = smtp.messages.map((m) => m.messageId);
        assert.equal(received.length, 300);
        assert.equal(new Set(received).size, 300);
        assert.deepEqual(new Set(received.map((m) => /<(.+)@plateforme-identite>/.exec(m ?? '')?.[1])), ids);
      } finally {
        await first.close();
        await second.close();
        await database.drop();
        await smtp.stop();
      }
    });
  },
);

describe('E-mail templates', () => {
  // Typed: a new template without an example here does not compile.
  const examples: { [N in TemplateName]: TemplateData[N] } = {
    'test-email': data,
    'account-activation': {
      givenName: 'Marie',
      identifier: 'marie.dupont',
      activationUrl: 'https://compte.example.fr/activation/abc',
      deadline: '23 décembre 2026',
    },
    'registration-email-taken': { signInUrl: 'https://compte.example.fr/compte' },
    'activation-reminder': {
      givenName: 'Marie',
      identifier: 'marie.dupont',
      activationUrl: 'https://compte.example.fr/activation/abc',
      deadline: '23 décembre 2026',
    },
    'account-invitation': {
      givenName: 'Marie',
      identifier: 'marie.dupont',
      invitedBy: 'Martin SARL',
      invitationUrl: 'https://compte.example.fr/invitation/abc',
      deadline: '14 décembre 2026',
      reminder: false,
    },
    'password-reset': {
      givenName: 'Marie',
      identifier: 'marie.dupont',
      resetUrl: 'https://compte.example.fr/mot-de-passe-oublie/abc',
      minutes: 60,
      smsUnavailable: true,
    },
    'password-changed': {
      givenName: 'Marie',
      identifier: 'marie.dupont',
      changedAt: '23 novembre 2026 à 10:00',
      recoveryUrl: 'https://compte.example.fr/mot-de-passe-oublie',
    },
    'identifier-reminder': {
      givenName: 'Marie',
      identifier: 'marie.dupont',
      signInUrl: 'https://compte.example.fr/compte',
    },
    'email-change-confirm': {
      givenName: 'Marie',
      identifier: 'marie.dupont',
      newEmail: 'marie@example.org',
      confirmUrl: 'https://compte.example.fr/compte/adresse/abc',
      hours: 24,
    },
    'email-change-warning': {
      givenName: 'Marie',
      identifier: 'marie.dupont',
      newEmail: 'marie@example.org',
      recoveryUrl: 'https://compte.example.fr/mot-de-passe-oublie',
    },
    'account-deleted': { givenName: 'Marie', identifier: 'marie.dupont', deletedAt: '23 novembre 2026 à 10:00' },
    'company-password-changed': {
      salutation: 'Monsieur',
      accountName: 'cs1.asp1ent',
      changedAt: '1 décembre 2026 à 10:00',
    },
    'activity-digest': { items: [{ text: 'Un document a été partagé', path: '/compte' }, { text: 'Un dossier créé' }] },
    'client-space-digest': {
      items: [
        { kind: 'acces', firm: 'Cabinet Delmas', dossier: '', title: '' },
        { kind: 'document', firm: 'Cabinet Delmas', dossier: '2017IIDOS/1529 - ALEXAN', title: 'Lettre' },
      ],
    },
    'subscription-access-codes': {
      subscriber: 'Cabinet Dupont',
      products: ['Dalloz Avocat'],
      login: 'ABO-7K4M-Q2XP',
      password: 'ABCD-EFGH-JKMN',
      modeTitle: 'Gestion de compte personnel : mode « Auto-déclaration »',
      modeParagraphs: ['Chaque utilisateur est à même de créer seul son propre compte personnel.'],
      modeChangeNote: 'Contactez notre service Relations clientèle.',
      signInUrl: 'https://compte.example.fr/compte',
    },
    'subscription-access-granted': {
      grantedBy: 'Jean-Pierre Dupont (Cabinet Dupont)',
      subscriber: 'Cabinet Dupont',
      products: ['Dalloz Avocat'],
      subscriptionsUrl: 'https://compte.example.fr/compte/abonnements',
    },
    'subscription-expiry-warning': {
      subscriber: 'Cabinet Dupont',
      endsOn: '31/12/2026',
      days: 30,
      subscriptionsUrl: 'https://compte.example.fr/compte/abonnements',
    },
  };
  const smsExamples: { [N in SmsTemplateName]: SmsTemplateData[N] } = {
    'test-sms': data,
    'activation-code': { code: '123456', minutes: 10 },
    'password-reset-code': { code: '123456', minutes: 10 },
  };

  it('render every template in French with its data, and fail on missing data', () => {
    for (const name of TEMPLATE_NAMES) {
      const mail = renderMail(name, examples[name] as never, 'https://compte.example.fr');
      assert.ok(mail.subject.length > 0 && mail.text.length > 0 && mail.html.startsWith('<!doctype html>'));
      assert.match(mail.html, /lang="fr"/);
      assert.throws(() => renderMail(name, {} as never, 'https://compte.example.fr'), /undefined|null/);
    }
  });

  it('render every text message in French, short, and fail on missing data', () => {
    for (const name of SMS_TEMPLATE_NAMES) {
      const text = renderSms(name, smsExamples[name], 'https://compte.example.fr');
      assert.ok(text.length > 0 && text.length <= 160, `${name} : ${text.length} caractères`);
      assert.throws(() => renderSms(name, {} as never, 'https://compte.example.fr'), /undefined|null/);
    }
  });
});

describe('Development mailbox', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());

  it('receives the e-mails when no SMTP_URL is set, readable at /dev/boite-mail', async () => {
    await enqueue(app, 'boite@example.fr');
    await app.app.get(OutboxWorker).deliverDue();
    const list = await request(app.url).get('/dev/boite-mail');
    assert.equal(list.status, 200);
    assert.match(list.text, /boite@example\.fr/);
    const id = /href="\/dev\/boite-mail\/([0-9a-f-]{36})"/.exec(list.text)![1];
    const message = await request(app.url).get(`/dev/boite-mail/${id}`);
    assert.match(message.text, /Ce message d’essai a été demandé/);
    const html = await request(app.url).get(`/dev/boite-mail/${id}/html`);
    assert.match(html.headers['content-security-policy'], /default-src 'none'/);
  });
});
