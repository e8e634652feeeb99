import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import pino from 'pino';
import { DEMO_ACCOUNT, startDemo } from '../../src/dev/demo';
import { IdentityService, SignInThrottle } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { csrfOf, makeAccount, signInToConsole } from '../support/admin';
import { HttpBrowser } from '../support/http-browser';
import { freePort } from '../support/ports';
import { sentTo, startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

/** Polls until `check` holds, for at most `ms`. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe('AdminModule: accounts in the console (search, page, support actions, lecture refused)', () => {
  let app: TestApp;
  let smtp: TestSmtpServer;
  let demoUrl: string;
  let stopDemo: () => Promise<void>;
  let lecture: HttpBrowser;
  let support: HttpBrowser;
  let supportId: string;

  before(async () => {
    smtp = await startSmtpServer();
    app = await startTestApp({ env: { SMTP_URL: smtp.url } });
    app.app.get(OutboxWorker).start();
    const port = await freePort();
    demoUrl = `http://localhost:${port}`;
    stopDemo = await startDemo(app.app, app.config, pino({ level: 'silent' }), port);
    await makeAccount(app, 'lea.lecture', 'lecture');
    supportId = (await makeAccount(app, 'sam.support', 'support')).id;
    lecture = await signInToConsole(app, 'lea.lecture@example.fr');
    support = await signInToConsole(app, 'sam.support@example.fr');
  });
  after(async () => {
    await stopDemo();
    await app.close();
    await smtp.stop();
  });

  const statusOf = async (id: string) =>
    (await app.dataSource.query<Array<{ status: string }>>(`SELECT status FROM account WHERE id = $1`, [id]))[0].status;

  describe('search', () => {
    it('finds accounts by identifier, e-mail, name and status, and says when nothing matches', async () => {
      const martin = await makeAccount(app, 'paul.martin', undefined, { givenName: 'Paul', familyName: 'Martin' });
      const byName = await lecture.get(`${app.url}/admin/comptes?q=martin`, app.url);
      assert.equal(byName.status, 200);
      assert.ok(byName.body.includes(`/admin/comptes/${martin.id}`));
      assert.ok(
        (await lecture.get(`${app.url}/admin/comptes?q=PAUL.MARTIN%40example`, app.url)).body.includes(martin.id),
      );
      const disabled = await lecture.get(`${app.url}/admin/comptes?statut=disabled`, app.url);
      assert.ok(!disabled.body.includes(martin.id), 'an active account is not among the disabled ones');
      const none = await lecture.get(`${app.url}/admin/comptes?q=%25_introuvable`, app.url);
      assert.match(none.body, /Aucun compte ne correspond/);
    });

    it('answers 404, not 500, for an unknown or malformed account id', async () => {
      for (const id of ['d3adbeef-c0de-4fab-bcde-fedcbafedcba', 'pas-un-uuid']) {
        const page = await lecture.get(`${app.url}/admin/comptes/${id}`, app.url);
        assert.equal(page.status, 404, id);
        assert.match(page.body, /Compte introuvable/);
      }
    });
  });

  describe('lecture', () => {
    it('sees an account’s page without any action button, and its POSTs are refused with nothing changed', async () => {
      const target = await makeAccount(app, 'tom.cible');
      const page = await lecture.get(`${app.url}/admin/comptes/${target.id}`, app.url);
      assert.equal(page.status, 200);
      assert.match(page.body, /tom\.cible@example\.fr/);
      assert.doesNotMatch(
        page.body,
        /\/admin\/comptes\/[^"]+\/(desactiver|reactiver|deconnecter|envoyer-reinitialisation)/,
      );
      const token = csrfOf(page.body);
      for (const action of ['desactiver', 'deconnecter', 'envoyer-reinitialisation', 'renvoyer-activation']) {
        const res = await lecture.post(`${app.url}/admin/comptes/${target.id}/${action}`, { _csrf: token }, app.url);
        assert.equal(res.status, 403, action);
      }
      assert.equal(await statusOf(target.id), 'active');
      const [{ n }] = await app.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM outbox_message WHERE recipient = 'tom.cible@example.fr'`,
      );
      assert.equal(n, 0, 'no reset link sent');
    });
  });

  describe('support', () => {
    it('disables an account: its live session at the demo site ends; audited with before/after, address and request id', async () => {
      const person = new HttpBrowser();
      let page = await person.get(`${demoUrl}/connexion`);
      page = await person.submit(page, /identifiant$/, { identifier: DEMO_ACCOUNT.identifier }, app.url);
      page = await person.submit(page, /mot-de-passe$/, { password: DEMO_ACCOUNT.password }, app.url);
      if (!page.location) page = await person.submit(page, /consentement$/, { decision: 'autoriser' }, app.url);
      page = await person.get(page.location!);
      assert.match(page.body, /Vous êtes connecté/);
      const demo = (await app.app.get(IdentityService).findByLogin(DEMO_ACCOUNT.identifier))!;

      const accountPage = await support.get(`${app.url}/admin/comptes/${demo.id}`, app.url);
      assert.match(accountPage.body, /Site de démonstration/, 'the consented site is listed');
      assert.doesNotMatch(accountPage.body, /name="password"/, 'a recent sign-in: no step-up');
      support.headers = { 'x-request-id': 'requete-console-0001' };
      const done = await support.submit(accountPage, /\/desactiver$/, {}, app.url);
      support.headers = {};
      assert.equal(done.status, 200);
      assert.match(done.body, /Le compte est désactivé/);
      assert.equal(await statusOf(demo.id), 'disabled');
      assert.ok(
        await within(5000, async () => /Vous n’êtes pas connecté/.test((await person.get(demoUrl)).body)),
        'the demo site got the back-channel logout',
      );

      const [event] = await app.dataSource.query<
        Array<{ actor_type: string; actor_id: string; details: unknown; ip_address: string; request_id: string }>
      >(`SELECT * FROM audit_event WHERE action = 'admin.account.disabled' AND target_id = $1`, [demo.id]);
      assert.equal(event.actor_type, 'operator');
      assert.equal(event.actor_id, supportId);
      assert.deepEqual(event.details, { before: { status: 'active' }, after: { status: 'disabled' } });
      assert.match(event.ip_address, /127\.0\.0\.1/);
      assert.equal(event.request_id, 'requete-console-0001');

      const enabled = await support.submit(done, /\/reactiver$/, {}, app.url);
      assert.match(enabled.body, /Le compte est réactivé/);
      assert.equal(await statusOf(demo.id), 'active');
      const [again] = await app.dataSource.query<Array<{ details: unknown }>>(
        `SELECT details FROM audit_event WHERE action = 'admin.account.enabled' AND target_id = $1`,
        [demo.id],
      );
      assert.deepEqual(again.details, { before: { status: 'disabled' }, after: { status: 'active' } });
    });

    it('resends an activation to a pending account (real e-mail), audited', async () => {
      const invited = await app.app.get(IdentityService).inviteAccount({
        email: 'ines.invitee@example.fr',
        givenName: 'Inès',
        familyName: 'Invitée',
        invitedBy: { actor: { type: 'system' }, name: 'la plateforme' },
      });
      await smtp.waitFor(sentTo('ines.invitee@example.fr'));
      const before = smtp.messages.length;
      const page = await support.get(`${app.url}/admin/comptes/${invited.id}`, app.url);
      assert.doesNotMatch(page.body, /envoyer-reinitialisation/, 'no reset link for a pending account');
      const done = await support.submit(page, /\/renvoyer-activation$/, {}, app.url);
      assert.match(done.body, /Un nouveau lien d’activation a été envoyé/);
      assert.ok(await within(5000, async () => smtp.messages.length > before));
      const mail = smtp.messages.slice(before).find(sentTo('ines.invitee@example.fr'));
      assert.ok(mail, 'a new invitation e-mail');
      const [event] = await app.dataSource.query<Array<{ actor_id: string }>>(
        `SELECT actor_id FROM audit_event WHERE action = 'admin.account.activation_resent' AND target_id = $1`,
        [invited.id],
      );
      assert.equal(event.actor_id, supportId);
    });

    it('sends a password-reset link the operator never sees, and ends every session of an account', async () => {
      const target = await makeAccount(app, 'rita.reset');
      const holder = new HttpBrowser();
      let page = await holder.get(`${app.url}/compte`, app.url);
      page = await holder.submit(page, /identifiant$/, { identifier: target.email }, app.url);
      page = await holder.submit(page, /mot-de-passe$/, { password: 'Chaussette-Volante-7' }, app.url);
      assert.equal(page.url, `${app.url}/compte`);

      const accountPage = await support.get(`${app.url}/admin/comptes/${target.id}`, app.url);
      const sent = await support.submit(accountPage, /\/envoyer-reinitialisation$/, {}, app.url);
      assert.match(sent.body, /Un lien de réinitialisation du mot de passe a été envoyé/);
      const mail = await smtp.waitFor(sentTo(target.email));
      const link = /\/mot-de-passe-oublie\/nouveau\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '');
      assert.ok(link, 'the holder receives the link');
      assert.ok(!sent.body.includes(link[1]), 'the operator never sees it');

      const ended = await support.submit(sent, /\/deconnecter$/, {}, app.url);
      assert.match(ended.body, /Toutes les sessions du compte sont terminées/);
      const back = await holder.get(`${app.url}/compte`, app.url);
      assert.match(back.url, /\/interaction\//, 'the holder must sign in again');
      const actions = await app.dataSource.query<Array<{ action: string }>>(
        `SELECT action FROM audit_event WHERE target_id = $1 AND actor_id = $2 ORDER BY id`,
        [target.id, supportId],
      );
      assert.deepEqual(
        actions.map((a) => a.action),
        ['identity.password_reset.requested', 'admin.account.password_reset_sent', 'admin.account.sessions_ended'],
      );
    });
  });

  describe('FranceConnect link and sign-in throttle', () => {
    it('shows the FranceConnect link, and lets support clear the account’s sign-in throttle, audited', async () => {
      const target = await makeAccount(app, 'bob.bloque');
      await app.dataSource.query(`INSERT INTO franceconnect_identity (sub, account_id) VALUES ('fc-sub-bob', $1)`, [
        target.id,
      ]);
      const throttle = app.app.get(SignInThrottle);
      for (let i = 0; i < 6; i++) await throttle.currentPassword(target.id, async () => false).catch(() => false);
      assert.ok(await throttle.accountBlockedUntil(target.id), 'blocked after repeated wrong passwords');

      const page = await support.get(`${app.url}/admin/comptes/${target.id}`, app.url);
      assert.match(page.body, /<dd data-franceconnect>lié depuis le /);
      assert.match(page.body, /<dd data-throttle>bloquées jusqu’au /);
      const cleared = await support.submit(page, /\/debloquer$/, {}, app.url);
      assert.match(cleared.body, /Le blocage des tentatives de connexion est levé/);
      assert.match(cleared.body, /<dd data-throttle>non bloquées/);
      assert.equal(await throttle.accountBlockedUntil(target.id), undefined);
      const [event] = await app.dataSource.query<
        Array<{ actor_id: string; details: { before: { blockedUntil: string } } }>
      >(
        `SELECT actor_id, details FROM audit_event WHERE action = 'admin.account.throttle_cleared' AND target_id = $1`,
        [target.id],
      );
      assert.equal(event.actor_id, supportId);
      assert.ok(event.details.before.blockedUntil);
      const fresh = await makeAccount(app, 'nina.nonliee');
      const other = await support.get(`${app.url}/admin/comptes/${fresh.id}`, app.url);
      assert.match(other.body, /<dd data-franceconnect>non lié/);
      assert.doesNotMatch(other.body, /\/debloquer"/);
    });
  });

  describe('step-up', () => {
    it('asks for the password again to disable an account when the sign-in is older than 5 minutes (controlled clock)', async () => {
      const target = await makeAccount(app, 'stella.cible');
      const url = `${app.url}/admin/comptes/${target.id}`;
      mock.timers.enable({ apis: ['Date'], now: Date.now() + 6 * 60 * 1000 });
      try {
        const page = await support.get(url, app.url);
        assert.match(page.body, /Votre connexion date de plus de 5 minutes/);
        assert.match(page.body, /name="password" type="password"/);

        const missing = await support.submit(page, /\/desactiver$/, { password: '' }, app.url);
        assert.equal(missing.status, 403);
        assert.match(missing.body, /Le formulaire contient 1 erreur/);
        const wrong = await support.submit(page, /\/desactiver$/, { password: 'Pas-le-bon-9' }, app.url);
        assert.equal(wrong.status, 403);
        assert.match(wrong.body, /Mot de passe incorrect/);
        assert.equal(await statusOf(target.id), 'active', 'nothing changed without the password');

        const done = await support.submit(page, /\/desactiver$/, { password: 'Chaussette-Volante-7' }, app.url);
        assert.equal(done.status, 200);
        assert.equal(await statusOf(target.id), 'disabled');
      } finally {
        mock.timers.reset();
      }
      const steps = await app.dataSource.query<Array<{ action: string }>>(
        `SELECT action FROM audit_event WHERE actor_id = $1 AND action LIKE 'admin.step_up.%' ORDER BY id`,
        [supportId],
      );
      assert.deepEqual(
        steps.map((s) => s.action),
        ['admin.step_up.failed', 'admin.step_up.succeeded'],
      );
    });
  });

  describe('step-up after single sign-on', () => {
    it('counts from the password typed at the provider, not from the console session opened by SSO', async () => {
      const operator = await makeAccount(app, 'sven.sso', 'support');
      const target = await makeAccount(app, 'tina.cible');
      const browser = new HttpBrowser();
      let page = await browser.get(`${app.url}/compte`, app.url);
      page = await browser.submit(page, /identifiant$/, { identifier: operator.email }, app.url);
      page = await browser.submit(page, /mot-de-passe$/, { password: 'Chaussette-Volante-7' }, app.url);
      assert.equal(page.url, `${app.url}/compte`);
      // The person typed the password 10 minutes ago (the provider session's login time).
      await app.dataSource.query(
        `UPDATE oidc_payload SET payload = jsonb_set(payload, '{loginTs}', to_jsonb(extract(epoch from now())::int - 600))
          WHERE model = 'Session' AND payload->>'accountId' = $1`,
        [operator.id],
      );
      const consolePage = await browser.get(`${app.url}/admin/comptes/${target.id}`, app.url);
      assert.equal(consolePage.url, `${app.url}/admin/comptes/${target.id}`, 'single sign-on, no password asked');
      assert.match(consolePage.body, /name="password" type="password"/, 'yet the step-up is asked');
      const refused = await browser.submit(consolePage, /\/desactiver$/, { password: '' }, app.url);
      assert.equal(refused.status, 403);
      assert.equal(await statusOf(target.id), 'active');
    });
  });

  describe('deletion', () => {
    it('is for super-admin only: support sees no link, and its GET and POST are refused', async () => {
      const target = await makeAccount(app, 'ugo.intouchable');
      const page = await support.get(`${app.url}/admin/comptes/${target.id}`, app.url);
      assert.doesNotMatch(page.body, /suppression/);
      assert.equal((await support.get(`${app.url}/admin/comptes/${target.id}/suppression`, app.url)).status, 403);
      const res = await support.post(
        `${app.url}/admin/comptes/${target.id}/supprimer`,
        { _csrf: csrfOf(page.body), confirmation: 'ugo.intouchable' },
        app.url,
      );
      assert.equal(res.status, 403);
      assert.equal(await statusOf(target.id), 'active');
    });

    it('asks super-admin to type the identifier (and the password after 5 minutes), then deletes and audits', async () => {
      const adminId = (await makeAccount(app, 'alix.super', 'super-admin')).id;
      const superAdmin = await signInToConsole(app, 'alix.super@example.fr');
      const target = await makeAccount(app, 'zoe.supprimee');
      const accountPage = await superAdmin.get(`${app.url}/admin/comptes/${target.id}`, app.url);
      assert.match(accountPage.body, /Supprimer le compte…/);
      const page = await superAdmin.get(`${app.url}/admin/comptes/${target.id}/suppression`, app.url);
      assert.equal(page.status, 200);

      const wrong = await superAdmin.submit(page, /\/supprimer$/, { confirmation: 'zoe' }, app.url);
      assert.equal(wrong.status, 400);
      assert.match(wrong.body, /Saisissez exactement l’identifiant du compte : zoe\.supprimee/);
      assert.equal(await statusOf(target.id), 'active');

      mock.timers.enable({ apis: ['Date'], now: Date.now() + 6 * 60 * 1000 });
      try {
        const later = await superAdmin.get(`${app.url}/admin/comptes/${target.id}/suppression`, app.url);
        const noPassword = await superAdmin.submit(later, /\/supprimer$/, { confirmation: 'zoe.supprimee' }, app.url);
        assert.equal(noPassword.status, 403);
        assert.match(noPassword.body, /saisissez de nouveau votre mot de passe/);
        assert.equal(await statusOf(target.id), 'active');
        const done = await superAdmin.submit(
          later,
          /\/supprimer$/,
          { confirmation: 'zoe.supprimee', password: 'Chaussette-Volante-7' },
          app.url,
        );
        assert.equal(done.status, 200);
        assert.match(done.body, /Le compte « zoe\.supprimee » a été supprimé/);
      } finally {
        mock.timers.reset();
      }
      const rows = await app.dataSource.query(`SELECT id FROM account WHERE id = $1`, [target.id]);
      assert.equal(rows.length, 0);
      const events = await app.dataSource.query<Array<{ action: string; actor_id: string; details: unknown }>>(
        `SELECT action, actor_id, details FROM audit_event
          WHERE target_id = $1 AND action IN ('identity.account.deleted', 'admin.account.deleted') ORDER BY id`,
        [target.id],
      );
      assert.deepEqual(
        events.map((e) => [e.action, e.actor_id]),
        [
          ['identity.account.deleted', adminId],
          ['admin.account.deleted', adminId],
        ],
      );
      assert.deepEqual(events[1].details, { before: { status: 'active' }, after: null });
      await smtp.waitFor((m) => sentTo(target.email)(m) && /supprim/i.test(m.subject ?? ''));
    });
  });
});
