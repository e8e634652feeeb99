import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, Module, Param, Query } from '@nestjs/common';
import { IdentityService } from '../../src/modules/identity';
import { OutboxWorker } from '../../src/modules/notifications';
import { FirstPartySpaceModule } from '../../src/platform/first-party/first-party.module';
import { CurrentAccount, SignedIn, type SignedInAccount } from '../../src/platform/http/access-policy';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

/** A throw-away second first-party space, registered the way `/espace-client` or `/admin` will be: a few lines. */
@SignedIn()
@Controller('espace-essai')
class TestSpacePages {
  @Get()
  home(@CurrentAccount() account: SignedInAccount): string {
    return `Accueil de l’espace d’essai pour ${account.id}`;
  }

  @Get('dossiers/:number')
  folder(@CurrentAccount() account: SignedInAccount, @Param('number') number: string, @Query('onglet') tab: string) {
    return `Dossier ${number} (${tab}) de ${account.id}`;
  }
}

@Module({
  imports: [
    FirstPartySpaceModule.register({
      clientId: 'espace-essai',
      name: 'l’espace d’essai',
      path: '/espace-essai',
      scope: 'openid email',
    }),
  ],
  controllers: [TestSpacePages],
})
class TestSpaceModule {}

describe('First-party component: a second space signs in by SSO and ends by back-channel logout', () => {
  let app: TestApp;
  let alice: string;
  before(async () => {
    app = await startTestApp({ extraModules: [TestSpaceModule] });
    alice = (await app.app.get(IdentityService).createActiveAccount({ email: 'alice@example.fr', password: PASSWORD }))
      .id;
  });
  after(async () => app.close());

  const sessions = async (clientId: string) =>
    (
      await app.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM web_session WHERE client_id = $1 AND account_id = $2`,
        [clientId, alice],
      )
    )[0].n;

  it('is registered at the provider like the account space', async () => {
    const [client] = await app.dataSource.query<Array<{ metadata: Record<string, unknown> }>>(
      `SELECT metadata FROM oidc_client WHERE client_id = 'espace-essai'`,
    );
    assert.ok(client, 'client enregistré');
    assert.deepEqual(client.metadata.redirect_uris, [`${app.url}/espace-essai/connexion/retour`]);
    assert.equal(client.metadata.backchannel_logout_uri, `${app.url}/espace-essai/deconnexion/canal-arriere`);
  });

  it('still ends the provider’s session when the space’s own session has already expired', async () => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'alice@example.fr' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(page.url, `${app.url}/compte`);
    // The page stays open while the space's session expires; then « Se déconnecter ».
    await app.dataSource.query(`DELETE FROM web_session WHERE client_id = 'plateforme-compte'`);
    const confirm = await browser.submit(page, /\/compte\/deconnexion$/, {}, app.url);
    assert.match(confirm.body, /Se déconnecter \?/);
    await browser.submit(confirm, /session\/end\/confirm$/, { logout: 'yes' }, app.url);
    const again = await browser.get(`${app.url}/compte`, app.url);
    assert.match(again.url, /\/interaction\//, 'the provider asks to sign in again');
  });

  it('signs in to the second space without a password after /compte, then a back-channel logout ends it', async () => {
    const browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'alice@example.fr' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.equal(page.url, `${app.url}/compte`);

    // Single sign-on: no identifier or password page on the way, straight back to the page asked for.
    const asked = `${app.url}/espace-essai/dossiers/42?onglet=pieces`;
    const folder = await browser.get(asked, app.url);
    assert.equal(folder.url, asked);
    assert.equal(folder.status, 200);
    assert.equal(folder.body, `Dossier 42 (pieces) de ${alice}`);
    assert.equal(await sessions('espace-essai'), 1);
    assert.equal(await sessions('plateforme-compte'), 1);

    // Signing out of /compte ends the provider's session; the second space learns it by back-channel only.
    const logoutPage = await browser.submit(
      await browser.get(`${app.url}/compte`, app.url),
      /\/compte\/deconnexion$/,
      {},
      app.url,
    );
    await browser.submit(logoutPage, /session\/end\/confirm$/, { logout: 'yes' }, app.url);
    assert.equal(await sessions('plateforme-compte'), 0);
    assert.equal(await sessions('espace-essai'), 1, 'ended by its own receiver, not by /compte');
    assert.equal((await browser.get(`${app.url}/espace-essai`, app.url)).status, 200);

    await app.app.get(OutboxWorker).deliverDue();
    assert.equal(await sessions('espace-essai'), 0);
    const again = await fetch(`${app.url}/espace-essai/dossiers/42`, {
      redirect: 'manual',
      headers: { accept: 'text/html', cookie: 'espace_essai_session=x' },
    });
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), '/espace-essai/connexion?retour=%2Fespace-essai%2Fdossiers%2F42');
    const signedOut = await browser.get(`${app.url}/espace-essai`, app.url);
    assert.match(signedOut.url, /\/interaction\//, 'the provider asks to sign in again');
  });

  it('refuses a forged logout token, and says so in the audit trail', async () => {
    const res = await fetch(`${app.url}/espace-essai/deconnexion/canal-arriere`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'logout_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    });
    assert.equal(res.status, 400);
    const [event] = await app.dataSource.query<Array<{ details: { clientId: string } }>>(
      `SELECT details FROM audit_event WHERE action = 'platform.first_party.backchannel_logout_refused'`,
    );
    assert.equal(event.details.clientId, 'espace-essai');
  });
});
