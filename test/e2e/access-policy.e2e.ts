import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, Injectable, Module, Post } from '@nestjs/common';
import { IdentityService } from '../../src/modules/identity';
import {
  CurrentAccount,
  Permission,
  type PermissionCheck,
  type SignedInAccount,
} from '../../src/platform/http/access-policy';
import { HttpBrowser } from '../support/http-browser';
import { routeInventory } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

/** A permission that exists only in this test: roles per account, which the module (here the test) owns and checks. */
@Injectable()
class TestRoles implements PermissionCheck {
  readonly granted = new Map<string, string[]>();
  allows(account: SignedInAccount, _req: unknown, role: string): boolean {
    return this.granted.get(account.id)?.includes(role) ?? false;
  }
}

@Controller('compte/essai-permission')
class PermissionProbe {
  @Permission(TestRoles, 'essai:lecteur')
  @Get()
  page(@CurrentAccount() account: SignedInAccount): string {
    return `réservé à ${account.id}`;
  }

  @Permission(TestRoles, 'essai:lecteur')
  @Post()
  send(): string {
    return 'envoyé';
  }
}

@Module({ controllers: [PermissionProbe], providers: [TestRoles] })
class PermissionProbeModule {}

describe('Access policy of the account space (@SignedIn, @Permission, return to the page asked for)', () => {
  let app: TestApp;
  let ids: Record<string, string>;
  before(async () => {
    app = await startTestApp({ extraModules: [PermissionProbeModule] });
    const identity = app.app.get(IdentityService);
    ids = {};
    for (const name of ['alice', 'bruno']) {
      ids[name] = (await identity.createActiveAccount({ email: `${name}@example.fr`, password: PASSWORD })).id;
    }
    app.app.get(TestRoles).granted.set(ids.alice, ['essai:lecteur']);
    app.app.get(TestRoles).granted.set(ids.bruno, ['essai:autre']);
  });
  after(async () => app.close());

  /** From a page that asked to sign in (the provider's identifier step), signs in and follows back to the platform. */
  const signIn = async (browser: HttpBrowser, page: { url: string; body: string }, login: string) => {
    assert.match(page.body, /Étape 1 sur 2 : votre identifiant/, page.url);
    const next = await browser.submit(page, /identifiant$/, { identifier: login }, app.url);
    return browser.submit(next, /mot-de-passe$/, { password: PASSWORD }, app.url);
  };

  it('sends a signed-out request to each page of /compte to sign-in, and back to the same page after it', async () => {
    const pages = routeInventory(app.app)
      .filter((r) => r.method === 'GET' && r.path.startsWith('/compte') && r.policy?.kind === 'signed-in')
      .map((r) => r.path.replace(':id', randomUUID()).replace(':token', 'A'.repeat(43)));
    assert.ok(pages.length >= 10, `pages : ${pages.join(', ')}`);
    const browser = new HttpBrowser();
    let first = true;
    for (const path of pages) {
      const asked = `${path}?depuis=essai&n=1`;
      const refused = await fetch(`${app.url}${asked}`, { redirect: 'manual', headers: { accept: 'text/html' } });
      assert.equal(refused.status, 303, path);
      assert.equal(refused.headers.get('location'), `/compte/connexion?retour=${encodeURIComponent(asked)}`);

      browser.forget(app.url, 'compte_session');
      let page = await browser.get(`${app.url}${asked}`, app.url);
      // The first time, the person types identifier and password; then single sign-on brings them straight back.
      if (first) page = await signIn(browser, page, 'alice');
      first = false;
      assert.equal(page.url, `${app.url}${asked}`, `retour à ${asked}`);
    }
  });

  it('sends a signed-out form to sign-in without replaying it, back to the space’s home', async () => {
    const res = await fetch(`${app.url}/compte/profil`, {
      method: 'POST',
      redirect: 'manual',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'givenName=Intrus',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/compte/connexion');
    const json = await fetch(`${app.url}/compte/profil`, { headers: { accept: 'application/json' } });
    assert.equal(json.status, 401);
    assert.equal(((await json.json()) as { error: { code: string } }).error.code, 'SIGN_IN_REQUIRED');
  });

  it('comes back only to a relative path of the space (no open redirect)', async () => {
    for (const retour of [
      '//evil.example/compte',
      'https://evil.example/compte',
      '/\\evil.example',
      '/admin',
      '/compte\n',
    ]) {
      const browser = new HttpBrowser();
      const page = await browser.get(`${app.url}/compte/connexion?retour=${encodeURIComponent(retour)}`, app.url);
      const back = await signIn(browser, page, 'bruno');
      assert.equal(back.url, `${app.url}/compte`, `retour=${JSON.stringify(retour)}`);
    }
  });

  it('lets a module’s check decide a @Permission() route, after sign-in', async () => {
    const signedOut = await fetch(`${app.url}/compte/essai-permission`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    assert.equal(signedOut.status, 303);
    assert.equal(signedOut.headers.get('location'), '/compte/connexion?retour=%2Fcompte%2Fessai-permission');

    const alice = new HttpBrowser();
    const allowed = await signIn(alice, await alice.get(`${app.url}/compte/essai-permission`, app.url), 'alice');
    assert.equal(allowed.status, 200);
    assert.equal(allowed.body, `réservé à ${ids.alice}`);

    const bruno = new HttpBrowser();
    const refused = await signIn(bruno, await bruno.get(`${app.url}/compte/essai-permission`, app.url), 'bruno');
    assert.equal(refused.url, `${app.url}/compte/essai-permission`);
    assert.equal(refused.status, 403);
    assert.match(refused.body, /Vous n’avez pas accès à cette page/);
    assert.doesNotMatch(refused.body, new RegExp(ids.alice));
  });
});
