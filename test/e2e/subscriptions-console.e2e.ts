import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import * as client from 'openid-client';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { SubscriptionsClock, SubscriptionsService } from '../../src/modules/subscriptions';
import { ADMIN_PASSWORD, csrfOf, makeAccount, signInToConsole } from '../support/admin';
import { passwordCodeFlow } from '../support/code-flow';
import type { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/**
 * « Abonnements » in the operators' console: search by subscriber, a subscription's page, and « Changer le mode de
 * gestion » with its consequences before the confirmation, step-up, the roles that may do it, and the audit trail.
 */
describe('Subscriptions in the console: « Changer le mode de gestion »', () => {
  let app: TestApp;
  let service: SubscriptionsService;
  let config: client.Configuration;
  let lecture: HttpBrowser;
  let support: HttpBrowser;
  let supportId: string;
  const members: Record<string, { id: string; email: string }> = {};

  before(async () => {
    app = await startTestApp();
    app.app.get(SubscriptionsClock).now = () => new Date('2026-06-15T10:00:00Z');
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'avocat-web', client_name: 'Dalloz Avocat', redirect_uris: [REDIRECT_URI] }, (m) =>
        oidc.validateClient(m),
      );
    config = await client.discovery(
      new URL(app.config.issuer),
      'avocat-web',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    service = app.app.get(SubscriptionsService);
    await service.addProduct({
      code: 'dalloz-avocat',
      name: 'Dalloz Avocat',
      url: 'https://avocat.example.fr/',
      sections: [{ code: 'civil', name: 'Civil' }],
      clientIds: ['avocat-web'],
    });
    await makeAccount(app, 'lea.lecture', 'lecture');
    supportId = (await makeAccount(app, 'sam.support', 'support')).id;
    lecture = await signInToConsole(app, 'lea.lecture@example.fr');
    support = await signInToConsole(app, 'sam.support@example.fr');
    for (const [identifier, givenName, familyName] of [
      ['alice.admin', 'Alice', 'Administratrice'],
      ['bruno.lecteur', 'Bruno', 'Lecteur'],
    ])
      members[identifier] = await makeAccount(app, identifier, undefined, { givenName, familyName });
  });
  after(async () => {
    await app?.close();
  });

  async function subscription(subscriber: string, accountMode: 'administrator-managed' | 'self-declaration') {
    const added = await service.addSubscription({
      subscriber,
      products: [{ code: 'dalloz-avocat' }],
      seats: 5,
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
      accountMode,
    });
    await service.setMembership(added.id, members['alice.admin'].id, [
      { productCode: 'dalloz-avocat', role: 'reader' },
      { productCode: 'dalloz-avocat', role: 'administrator' },
    ]);
    await service.setMembership(added.id, members['bruno.lecteur'].id, [
      { productCode: 'dalloz-avocat', role: 'reader' },
    ]);
    return added.id;
  }

  const modeOf = async (id: string) => (await service.getSubscription(id)).accountMode;
  const modeChanges = (id: string) =>
    app.dataSource.query<Array<{ actor_type: string; actor_id: string; details: Record<string, unknown> }>>(
      `SELECT actor_type, actor_id, details FROM audit_event WHERE action = 'subscriptions.mode.changed' AND target_id = $1`,
      [id],
    );

  it('lists and searches subscriptions by subscriber, for every operator role', async () => {
    const id = await subscription('Cabinet Recherche Dupont', 'administrator-managed');
    await subscription('Étude Autre', 'self-declaration');
    const found = await lecture.get(`${app.url}/admin/abonnements?q=recherche%20DUPONT`, app.url);
    assert.equal(found.status, 200);
    assert.ok(found.body.includes(`/admin/abonnements/${id}`));
    assert.doesNotMatch(found.body, /Étude Autre/);
    assert.match(found.body, /gestion par administrateur/);
    const all = await lecture.get(`${app.url}/admin/abonnements`, app.url);
    assert.match(all.body, /Étude Autre/);
    assert.match(all.body, /href="\/admin\/abonnements" aria-current="page"/, 'the console menu has the entry');
    // Wildcards are text, and odd input is answered, not a 500.
    assert.match((await lecture.get(`${app.url}/admin/abonnements?q=%25`, app.url)).body, /Aucun abonnement/);
    const nul = await lecture.get(`${app.url}/admin/abonnements?q=a%00b`, app.url);
    assert.ok(nul.status < 500, String(nul.status));
    assert.equal((await lecture.get(`${app.url}/admin/abonnements?q=${'x'.repeat(5000)}`, app.url)).status, 200);
  });

  it('shows a subscription; an unknown or malformed id is « introuvable »', async () => {
    const id = await subscription('Cabinet Fiche', 'administrator-managed');
    const page = await lecture.get(`${app.url}/admin/abonnements/${id}`, app.url);
    assert.equal(page.status, 200);
    assert.match(page.body, /Abonnement Cabinet Fiche/);
    assert.match(page.body, /2 utilisées sur 5/);
    assert.match(page.body, /Dalloz Avocat/);
    for (const bad of ['00000000-0000-4000-8000-000000000000', 'pas-un-id'])
      assert.equal((await lecture.get(`${app.url}/admin/abonnements/${bad}`, app.url)).status, 404, bad);
  });

  it('is not offered to « lecture », whose preview and POST are refused (nothing changes)', async () => {
    const id = await subscription('Cabinet Lecture', 'administrator-managed');
    const page = await lecture.get(`${app.url}/admin/abonnements/${id}`, app.url);
    assert.doesNotMatch(page.body, /Changer le mode de gestion/);
    assert.doesNotMatch(page.body, /\/mode"/);
    assert.equal((await lecture.get(`${app.url}/admin/abonnements/${id}/mode?vers=sans-compte`, app.url)).status, 403);
    const csrf = csrfOf(page.body);
    const posted = await lecture.post(`${app.url}/admin/abonnements/${id}/mode`, { _csrf: csrf, mode: 'sans-compte' });
    assert.equal(posted.status, 403);
    assert.equal(await modeOf(id), 'administrator-managed');
    assert.equal((await modeChanges(id)).length, 0);
  });

  it('shows the consequences first (administrators by name), then applies the change, audited, once confirmed', async () => {
    const id = await subscription('Cabinet Bascule', 'self-declaration');
    const page = await support.get(`${app.url}/admin/abonnements/${id}`, app.url);
    assert.match(page.body, /Changer le mode de gestion/);
    const preview = await support.get(`${app.url}/admin/abonnements/${id}/mode?vers=gestion-administrateur`, app.url);
    assert.equal(preview.status, 200);
    assert.match(preview.body, /Administrateurs : Alice Administratrice \(alice\.admin@example\.fr\)/);
    assert.match(preview.body, /« Créer mon compte »\) s’arrête/);
    assert.match(preview.body, /Places : 2 utilisée\(s\) sur 5/);
    assert.equal(await modeOf(id), 'self-declaration', 'the preview changes nothing');
    assert.doesNotMatch(preview.body, /name="password"/, 'a recent sign-in: no step-up');

    const done = await support.submit(preview, /\/mode$/, {}, app.url);
    assert.equal(done.status, 200, done.body.slice(0, 500));
    assert.match(done.body, /Le mode de gestion est maintenant « gestion par administrateur »/);
    assert.equal(await modeOf(id), 'administrator-managed');
    const [audit] = await modeChanges(id);
    assert.equal(audit.actor_type, 'operator');
    assert.equal(audit.actor_id, supportId);
    assert.equal(audit.details.from, 'self-declaration');
    assert.equal(audit.details.to, 'administrator-managed');
    assert.deepEqual(audit.details.before, { accountMode: 'self-declaration' });
    assert.deepEqual(audit.details.after, { accountMode: 'administrator-managed' });
    assert.ok(Array.isArray(audit.details.consequences));
  });

  it('to « pas de compte personnel »: the members lose access and their sessions on the products end', async () => {
    const id = await subscription('Cabinet Sans Compte', 'administrator-managed');
    // A member of this subscription only (the others' members keep their access through their other subscriptions).
    const carla = await makeAccount(app, 'carla.seule', undefined, { givenName: 'Carla', familyName: 'Seule' });
    await service.setMembership(id, carla.id, [{ productCode: 'dalloz-avocat', role: 'reader' }]);
    const signedIn = await passwordCodeFlow(config, app.url, {
      identifier: carla.email,
      password: ADMIN_PASSWORD,
      redirectUri: REDIRECT_URI,
      scope: 'openid subscriptions',
    });
    assert.ok(signedIn.tokens, signedIn.page.body.slice(0, 500));
    const preview = await support.get(`${app.url}/admin/abonnements/${id}/mode?vers=sans-compte`, app.url);
    assert.match(preview.body, /3 comptes personnels membres perdront l’accès aux produits/);
    assert.match(preview.body, /pas encore de codes d’accès/);
    assert.match(preview.body, /« Gérer mes utilisateurs » n’est plus proposé/);
    const done = await support.submit(preview, /\/mode$/, {}, app.url);
    assert.equal(done.status, 200);
    assert.equal(await modeOf(id), 'no-personal-account');
    const [{ grants }] = await app.dataSource.query<Array<{ grants: number }>>(
      `SELECT count(*)::int AS grants FROM oidc_payload
        WHERE model IN ('Grant', 'AccessToken', 'RefreshToken') AND payload->>'accountId' = $1`,
      [carla.id],
    );
    assert.equal(grants, 0, 'grants and tokens on the product revoked');
    await assert.rejects(client.fetchUserInfo(config, signedIn.tokens.access_token, signedIn.tokens.claims()!.sub));
  });

  it('refuses a mode that is not one, or the current one, with a French message and nothing changed', async () => {
    const id = await subscription('Cabinet Refus', 'administrator-managed');
    for (const vers of ['', 'nimporte', 'gestion-administrateur']) {
      const page = await support.get(`${app.url}/admin/abonnements/${id}/mode?vers=${vers}`, app.url);
      assert.equal(page.status, 400, vers);
      assert.match(page.body, /Choisissez le nouveau mode|déjà dans ce mode/);
    }
    const page = await support.get(`${app.url}/admin/abonnements/${id}`, app.url);
    const forged = await support.post(`${app.url}/admin/abonnements/${id}/mode`, {
      _csrf: csrfOf(page.body),
      mode: 'pas-un-mode',
    });
    assert.equal(forged.status, 400);
    assert.equal(await modeOf(id), 'administrator-managed');
    const otherId = await subscription('Cabinet Voisin', 'administrator-managed');
    const missing = await support.post(`${app.url}/admin/abonnements/00000000-0000-4000-8000-000000000000/mode`, {
      _csrf: csrfOf(page.body),
      mode: 'sans-compte',
    });
    assert.equal(missing.status, 404);
    assert.equal(await modeOf(otherId), 'administrator-managed');
  });

  it('asks for the password again when the sign-in is older than 5 minutes (controlled clock)', async () => {
    const id = await subscription('Cabinet Step-up', 'administrator-managed');
    mock.timers.enable({ apis: ['Date'], now: Date.now() + 6 * 60 * 1000 });
    try {
      const preview = await support.get(`${app.url}/admin/abonnements/${id}/mode?vers=auto-declaration`, app.url);
      assert.match(preview.body, /Votre connexion date de plus de 5 minutes/);
      const missing = await support.submit(preview, /\/mode$/, { password: '' }, app.url);
      assert.equal(missing.status, 403);
      assert.match(missing.body, /Le formulaire contient 1 erreur/);
      const wrong = await support.submit(preview, /\/mode$/, { password: 'Pas-le-bon-9' }, app.url);
      assert.equal(wrong.status, 403);
      assert.match(wrong.body, /Mot de passe incorrect/);
      assert.equal(await modeOf(id), 'administrator-managed', 'nothing changed without the password');
      const done = await support.submit(preview, /\/mode$/, { password: ADMIN_PASSWORD }, app.url);
      assert.equal(done.status, 200);
      assert.equal(await modeOf(id), 'self-declaration');
    } finally {
      mock.timers.reset();
    }
  });
});
