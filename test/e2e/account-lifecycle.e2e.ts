import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Injectable, Module } from '@nestjs/common';
import pino from 'pino';
import { DEMO_ACCOUNT, startDemo } from '../../src/dev/demo';
import { IdentityService, PendingAccountsJob, type IdentityEvents } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { OnDomainEvent } from '../../src/platform/events';
import { HttpBrowser } from '../support/http-browser';
import { freePort } from '../support/ports';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';
const INVITER = { actor: { type: 'account' as const, id: 'administrateur-1' }, name: 'Martin SARL' };

/** Another module, as far as identity knows: it only listens to identity's events. */
@Injectable()
class EventRecorder {
  readonly seen: Array<{ name: string; accountId: string; detail?: string }> = [];

  @OnDomainEvent('identity.account.activated')
  activated(event: IdentityEvents['identity.account.activated']): void {
    this.seen.push({ name: 'activated', accountId: event.accountId, detail: event.via });
  }

  @OnDomainEvent('identity.account.disabled')
  disabled(event: IdentityEvents['identity.account.disabled']): void {
    this.seen.push({ name: 'disabled', accountId: event.accountId, detail: event.by ?? undefined });
  }

  @OnDomainEvent('identity.account.enabled')
  enabled(event: IdentityEvents['identity.account.enabled']): void {
    this.seen.push({ name: 'enabled', accountId: event.accountId });
  }
}

@Module({ providers: [EventRecorder] })
class EventRecorderModule {}

/** Polls until `check` holds, for at most `ms`. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe('IdentityService: invitations, disable and enable (real SMTP server, demo site, back-channel logout)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let identity: IdentityService;
  let recorder: EventRecorder;
  let demoUrl: string;
  let stopDemo: () => Promise<void>;

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url }, extraModules: [EventRecorderModule] });
    identity = app.app.get(IdentityService);
    recorder = app.app.get(EventRecorder);
    // As on an application instance: the outbox delivers e-mails and back-channel logout tokens by itself.
    app.app.get(OutboxWorker).start();
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
  });
  after(async () => {
    await stopDemo?.();
    await app?.close();
    await smtp?.stop();
  });

  const invitationLink = async (email: string, reminder = false) => {
    const mail = await smtp.waitFor(
      (m) =>
        sentTo(email)(m) &&
        /Un compte a été créé pour vous/.test(m.subject ?? '') &&
        /^Rappel/.test(m.subject ?? '') === reminder,
    );
    return /\/invitation\/[\w-]{43}/.exec(mail.text ?? '')![0];
  };

  describe('inviteAccount', () => {
    it('creates a pending account without password; the person chooses it on the invitation page', async () => {
      const view = await identity.inviteAccount({
        email: 'Julie.Petit@Example.fr',
        givenName: 'Julie',
        familyName: 'Petit',
        invitedBy: INVITER,
      });
      assert.equal(view.status, 'pending');
      assert.equal(view.origin, 'invitation');
      assert.equal(view.email, 'julie.petit@example.fr');
      assert.equal(view.identifier, 'julie.petit');
      assert.ok(!('passwordHash' in view), 'an AccountView never carries the password hash');
      const [row] = await app.dataSource.query(`SELECT password_hash, invited_by FROM account WHERE id = $1`, [
        view.id,
      ]);
      assert.equal(row.password_hash, null);
      assert.equal(row.invited_by, 'administrateur-1');

      const mail = await smtp.waitFor(sentTo('julie.petit@example.fr'));
      assert.match(mail.text ?? '', /Martin SARL a créé pour vous un compte avec l’identifiant julie\.petit/);
      const link = /\/invitation\/[\w-]{43}/.exec(mail.text ?? '')![0];

      const browser = new HttpBrowser();
      const form = await browser.get(`${app.url}${link}`);
      assert.equal(form.status, 200);
      assert.match(form.body, /<h1>Choisir votre mot de passe<\/h1>/);
      const weak = await browser.submit(form, /\/invitation\//, { password: 'court', passwordConfirmation: 'court' });
      assert.equal(weak.status, 400);
      assert.match(weak.body, /Le formulaire contient des erreurs|au moins/);
      const withoutConsent = await browser.submit(form, /\/invitation\//, {
        password: PASSWORD,
        passwordConfirmation: PASSWORD,
      });
      assert.equal(withoutConsent.status, 400);
      assert.match(withoutConsent.body, /Vous devez accepter les conditions générales d’utilisation\./);
      assert.match(withoutConsent.body, /Vous devez accepter le traitement de vos données personnelles\./);
      const done = await browser.submit(form, /\/invitation\//, {
        password: PASSWORD,
        passwordConfirmation: PASSWORD,
        acceptTerms: 'oui',
        acceptPrivacy: 'oui',
      });
      assert.equal(done.status, 200);
      assert.match(done.body, /Votre compte est activé/);
      const signedIn = await identity.authenticate('julie.petit', PASSWORD);
      assert.equal(signedIn?.id, view.id);
      assert.ok(signedIn?.termsVersion, 'the CGU accepted by the person, at the invitation page');
      assert.deepEqual(
        recorder.seen.filter((e) => e.accountId === view.id),
        [{ name: 'activated', accountId: view.id, detail: 'invitation' }],
      );
      const again = await browser.submit(form, /\/invitation\//, {
        password: PASSWORD,
        passwordConfirmation: PASSWORD,
        acceptTerms: 'oui',
        acceptPrivacy: 'oui',
      });
      assert.equal(again.status, 400, 'the link works once');
      assert.match(again.body, /Ce lien n’est pas valable/);
    });

    it('refuses an address already used, with a French message', async () => {
      await assert.rejects(
        identity.inviteAccount({ email: DEMO_ACCOUNT.email, givenName: 'A', familyName: 'B', invitedBy: INVITER }),
        (error: Error & { code?: string }) =>
          error.code === 'EMAIL_TAKEN' && /déjà celle d’un compte/.test(error.message),
      );
    });

    it('is never purged with the unactivated accounts: reminded, then its link expires until the inviter resends it', async () => {
      const view = await identity.inviteAccount({
        email: 'paul.leroy@example.fr',
        givenName: 'Paul',
        familyName: 'Leroy',
        invitedBy: INVITER,
      });
      const first = await invitationLink('paul.leroy@example.fr');
      const pending = app.app.get(PendingAccountsJob);
      const days = (n: number) => new Date(Date.now() + n * 24 * 3600 * 1000);
      assert.equal(await pending.remindInvitations(days(5)), 0, 'not yet');
      assert.equal(await pending.remindInvitations(days(12)), 1);
      assert.equal(await pending.remindInvitations(days(12)), 0, 'once only');
      const reminded = await invitationLink('paul.leroy@example.fr', true);
      assert.notEqual(reminded, first);

      await pending.purgeUnactivated(days(31));
      const [{ n }] = await app.dataSource.query(`SELECT count(*)::int AS n FROM account WHERE id = $1`, [view.id]);
      assert.equal(n, 1, 'an invited account is not deleted by the 30-day purge');

      // The invitation's deadline passed: its link no longer opens the page.
      await app.dataSource.query(
        `UPDATE account_secret SET expires_at = now() - interval '1 minute' WHERE account_id = $1`,
        [view.id],
      );
      const expired = await new HttpBrowser().get(`${app.url}${reminded}`);
      assert.equal(expired.status, 400);
      assert.match(expired.body, /Demandez une nouvelle invitation/);

      await identity.resendInvitation(view.id, INVITER);
      const fresh = await smtp.waitFor(
        (m) =>
          sentTo('paul.leroy@example.fr')(m) && !(m.text ?? '').includes(reminded) && !(m.text ?? '').includes(first),
      );
      const link = /\/invitation\/[\w-]{43}/.exec(fresh.text ?? '')![0];
      assert.equal((await new HttpBrowser().get(`${app.url}${link}`)).status, 200);
    });
  });

  describe('disable and enable', () => {
    it('ends the session at the demo site (back-channel) and at /compte within 5 s, then refuses sign-in', async () => {
      const browser = new HttpBrowser();
      let page = await browser.get(`${demoUrl}/connexion`);
      page = await browser.submit(page, /identifiant$/, { identifier: DEMO_ACCOUNT.identifier }, app.url);
      page = await browser.submit(page, /mot-de-passe$/, { password: DEMO_ACCOUNT.password }, app.url);
      if (!page.location) page = await browser.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
      page = await browser.get(page.location!);
      assert.match(page.body, /Vous êtes connecté/);
      const space = await browser.get(`${app.url}/compte`, app.url);
      assert.match(space.body, /<h1>Mon compte<\/h1>/, 'single sign-on into the account space');

      const account = (await identity.authenticate(DEMO_ACCOUNT.identifier, DEMO_ACCOUNT.password))!;
      const started = Date.now();
      const disabled = await identity.disable(account.id, { type: 'operator', id: 'operateur-1' });
      assert.equal(disabled.status, 'disabled');
      assert.ok(
        await within(5000, async () => /Vous n’êtes pas connecté/.test((await browser.get(demoUrl)).body)),
        'the demo site got the back-channel logout',
      );
      const signedOut = await browser.get(`${app.url}/compte`, app.url);
      assert.match(signedOut.url, /\/interaction\//, 'the account space asks to sign in again');
      assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
      const [{ grants }] = await app.dataSource.query(
        `SELECT count(*)::int AS grants FROM oidc_payload WHERE model = 'Grant' AND payload->>'accountId' = $1`,
        [account.id],
      );
      assert.equal(grants, 0, 'every grant revoked');
      assert.ok(
        recorder.seen.some((e) => e.name === 'disabled' && e.accountId === account.id && e.detail === 'operateur-1'),
      );

      let refused = await browser.submit(signedOut, /identifiant$/, { identifier: DEMO_ACCOUNT.identifier }, app.url);
      refused = await browser.submit(refused, /mot-de-passe$/, { password: DEMO_ACCOUNT.password }, app.url);
      assert.equal(refused.status, 403);
      assert.match(refused.body, /Compte désactivé/);

      const enabled = await identity.enable(account.id);
      assert.equal(enabled.status, 'active');
      assert.ok(recorder.seen.some((e) => e.name === 'enabled' && e.accountId === account.id));
      assert.equal((await identity.authenticate(DEMO_ACCOUNT.identifier, DEMO_ACCOUNT.password))?.id, account.id);
    });
  });
});
