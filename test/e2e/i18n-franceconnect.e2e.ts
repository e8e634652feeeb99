import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FranceConnectStandIn } from '../../src/dev/franceconnect-stand-in';
import { IdentityService } from '../../src/modules/identity';
import { startAppWithFranceConnect } from '../support/franceconnect';
import { HttpBrowser } from '../support/http-browser';
import type { TestApp } from '../support/test-app';

const PASSWORD = 'Chaussette-Volante-7';

const lang = (body: string) => /<html lang="([a-z]+)"/.exec(body)?.[1];
const h1 = (body: string) =>
  /<h1[^>]*>([\s\S]*?)<\/h1>/
    .exec(body)?.[1]
    .replace(/<[^>]+>/g, '')
    .trim();

/** Words and letters only French has: what must not be left in an English page's main content. */
const FRENCH =
  /[àâçéèêëîïôûùœ]|\b(le|la|les|des|du|une|et|est|vous|votre|vos|pour|avec|sur|dans|mon|mes|compte|adresse|connexion|identifiant|modifier|supprimer|enregistrer|annuler|retour|ou)\b/i;

function assertEnglish(page: { url: string; body: string }, ...values: string[]): void {
  assert.equal(lang(page.body), 'en', page.url);
  // A site's name is the one it was registered with (the account space's own is French).
  values.push('l’espace « Mon compte »');
  const start = page.body.indexOf('<h1');
  const end = page.body.indexOf('</main>');
  const text = values
    .reduce(
      (t, value) => t.replaceAll(value, ' '),
      page.body
        .slice(start, end === -1 ? undefined : end)
        .replace(/<script[\s\S]*?<\/script>/g, ' ')
        .replace(/<[^>]+>/g, ' ')
        .replace(/&[a-z#0-9]+;/g, ' '),
    )
    .replace(/\s+/g, ' ')
    .trim();
  assert.doesNotMatch(text, FRENCH, `${page.url}: ${text}`);
}

/** The FranceConnect pages (seed 004) for an English browser: first sign-in, linking, sign-up, errors, « Mon compte ». */
describe('FranceConnect pages in English', () => {
  let standIn: FranceConnectStandIn;
  let app: TestApp;

  before(async () => {
    ({ standIn, app } = await startAppWithFranceConnect('plateforme-anglais'));
    await app.app.get(IdentityService).createActiveAccount({
      email: 'jp@example.fr',
      password: PASSWORD,
      identifier: 'jp.martin',
      givenName: 'Jean-Pierre',
      familyName: 'Martin',
    });
  });
  after(async () => {
    await app?.close();
    await standIn?.close();
  });

  const english = () => {
    const browser = new HttpBrowser();
    browser.headers['accept-language'] = 'en-GB,en;q=0.9';
    return browser;
  };
  const fcOrigin = () => new URL(standIn.issuer).origin;
  const throughFranceConnect = async (browser: HttpBrowser, identity: string) => {
    const signInPage = await browser.get(`${app.url}/compte/connexion`, app.url);
    const toFc = await browser.get(`${signInPage.url}/franceconnect`, app.url);
    let atFc = await browser.get(toFc.location!, fcOrigin());
    atFc = await browser.submit(atFc, /interaction$/, { identity }, fcOrigin());
    return browser.get(atFc.location!, app.url);
  };

  it('shows the button, the first sign-in and the sign-up form in English', async () => {
    const browser = english();
    const signIn = await browser.get(`${app.url}/compte/connexion`, app.url);
    assert.match(signIn.body, /<span class="fr-connect__login">Sign in with<\/span>/);
    assert.match(signIn.body, /What is FranceConnect\?/);
    assert.match(signIn.body, /<p class="fr-hr-or">or<\/p>/);

    const first = await throughFranceConnect(browser, 'angela');
    assert.equal(h1(first.body), 'First sign-in with FranceConnect');
    assert.match(first.body, /FranceConnect has identified you:/);
    assertEnglish(first, 'Angela Claire Louise DUBOIS');

    const form = await browser.get(first.url.replace(/suite$/, 'inscription'), app.url);
    assert.equal(form.status, 200);
    assert.equal(h1(form.body), 'Create my account with FranceConnect');
    assert.match(form.body, /Certified by FranceConnect/);
    assert.match(form.body, /Taken from FranceConnect \(angela\.dubois@exemple\.fr\)\./);
    assertEnglish(form, 'Angela Claire Louise', 'DUBOIS', 'angela.dubois@exemple.fr');
  });

  it('links an account in English: a wrong password, what changes before → after, then « My account »', async () => {
    const browser = english();
    const first = await throughFranceConnect(browser, 'jean-pierre');
    const form = await browser.get(first.url.replace(/suite$/, 'lier'), app.url);
    assert.equal(h1(form.body), 'Link my account to FranceConnect');
    assertEnglish(form);
    const wrong = await browser.submit(
      form,
      /franceconnect\/lier$/,
      { identifier: 'jp.martin', password: 'pas-le-bon' },
      app.url,
    );
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Incorrect identifier or password\./);
    assert.match(wrong.body, /<title>Error: Link my account to FranceConnect/);
    assertEnglish(wrong, 'jp.martin');

    const confirm = await browser.submit(
      form,
      /franceconnect\/lier$/,
      { identifier: 'jp.martin', password: PASSWORD },
      app.url,
    );
    assert.equal(confirm.status, 200, confirm.body.slice(0, 2000));
    assert.equal(h1(confirm.body), 'Confirm the link with FranceConnect');
    const row = (label: string) =>
      new RegExp(
        `<th scope="row">${label}</th>\\s*<td>([^<]*)</td>\\s*<td>(?:<strong>)?([^<]*)(?:</strong>)?</td>\\s*<td>([^<]*)</td>`,
      )
        .exec(confirm.body)
        ?.slice(1);
    assert.deepEqual(row('First names'), ['Jean-Pierre', 'Jean Pierre Marie Joseph', 'Changed']);
    assert.deepEqual(row('Date of birth'), ['Not provided', '1 January 1981', 'Changed']);
    assert.deepEqual(row('Place of birth'), ['Not provided', 'Lyon (69)', 'Changed']);
    assertEnglish(confirm, 'Jean-Pierre', 'Jean Pierre Marie Joseph', 'Martin', 'MARTIN', 'LEROY', 'Lyon (69)');

    const linked = await browser.submit(confirm, /lier\/confirmer$/, { decision: 'confirmer' }, app.url);
    assert.match(linked.url, /\/compte$/, linked.body.slice(0, 1500));
    const account = await browser.get(`${app.url}/compte/franceconnect`, app.url);
    assert.equal(account.status, 200);
    assert.equal(h1(account.body), 'FranceConnect');
    assert.match(account.body, /<dt class="fr-text--bold">Place of birth<\/dt><dd>Lyon \(69\)<\/dd>/);
    assert.match(account.body, /Identity passed on by FranceConnect/);
    assertEnglish(account, 'Jean Pierre Marie Joseph', 'MARTIN', 'LEROY', 'Lyon (69)', 'jp.martin@exemple.fr');
    const unlinked = await browser.submit(account, /delier$/, {}, app.url);
    assert.equal(unlinked.status, 200);
    assert.match(unlinked.body, /Your account is no longer linked to FranceConnect\./);
    assertEnglish(unlinked);
  });

  it('shows FranceConnect’s failures in English, and in French for a French browser', async () => {
    const browser = english();
    const first = await throughFranceConnect(browser, 'carmen');
    const failed = await browser.get(first.url.replace(/suite$/, 'erreur?motif=access_denied'), app.url);
    assert.equal(h1(failed.body), 'Signing in with FranceConnect failed');
    assert.match(failed.body, /You cancelled signing in with FranceConnect, or your identity could not be confirmed\./);
    assertEnglish(failed);

    const callback = await english().get(`${app.url}/franceconnect/callback?code=x&state=y`);
    assert.equal(callback.status, 400);
    assert.equal(h1(callback.body), 'Signing in with FranceConnect failed');
    assertEnglish(callback);

    const french = await new HttpBrowser().get(`${app.url}/franceconnect/callback?code=x&state=y`);
    assert.equal(h1(french.body), 'Connexion avec FranceConnect impossible');
    assert.match(french.body, /Votre demande de connexion avec FranceConnect a expiré\./);
  });
});
