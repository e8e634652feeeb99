import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { HttpBrowser } from '../support/http-browser';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'Mot-de-passe-1';

/** Field names the platform's forms and the provider's endpoints read, each sent with every bad value. */
const FIELDS = [
  'identifier',
  'login',
  'password',
  'passwordConfirmation',
  'currentPassword',
  'email',
  'code',
  'ticket',
  'decision',
  'accept',
  'confirm',
  'channel',
  'givenName',
  'familyName',
  'birthDate',
  'mobilePhone',
  'civility',
  'grant_type',
  'client_id',
  'client_secret',
  'redirect_uri',
  'scope',
  'token',
  'refresh_token',
  'response_type',
  'state',
  'nonce',
  'id_token_hint',
  'logout',
  'xsrf',
];

const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const HUGE = 'x'.repeat(1024 * 1024);

interface Route {
  method: 'GET' | 'POST';
  path: string;
  /** Only one plain request (the bad input is in the path). */
  plain?: boolean;
}

interface Probe {
  name: string;
  path: string;
  init: RequestInit;
}

/** Every route of the Nest inventory, with a plausible value for each path parameter. */
function inventory(app: TestApp, values: Record<string, string>): Route[] {
  const scanner = new MetadataScanner();
  const routes: Route[] = [];
  for (const module of app.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, type) ?? '');
      for (const name of scanner.getAllMethodNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name] as object;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
        if (method !== RequestMethod.GET && method !== RequestMethod.POST) continue;
        const full = `/${[base, path].filter((p) => p && p !== '/').join('/')}`
          .replace(/\/+/g, '/')
          .replace(/:(\w+)/g, (_, param: string) => values[param] ?? randomUUID());
        routes.push({ method: method === RequestMethod.GET ? 'GET' : 'POST', path: full });
      }
    }
  }
  return routes;
}

/** The bad-input catalogue for one route. */
function probes(route: Route, csrf: string): Probe[] {
  if (route.plain) {
    const init: RequestInit =
      route.method === 'GET'
        ? {}
        : {
            method: 'POST',
            body: new URLSearchParams({ _csrf: csrf, identifier: 'a', code: '123456' }).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          };
    return [{ name: 'bad path parameter', path: route.path, init }];
  }
  const query = (params: string) => `${route.path}${route.path.includes('?') ? '&' : '?'}${params}`;
  const gets: Probe[] = [
    { name: 'NUL in the query', path: query('q=a%00b&identifier=%00'), init: {} },
    { name: 'control character in the query', path: query('state=%07&scope=openid%1B'), init: {} },
    { name: 'invalid UTF-8 in the query', path: query('q=%ED%A0%80&login=%FF'), init: {} },
    { name: 'duplicated parameters', path: query('client_id=a&client_id=b&scope=x&scope=y'), init: {} },
    { name: 'bracketed parameters', path: query('identifier[a]=1&code[]=2'), init: {} },
    { name: 'long query', path: query(`q=${'x'.repeat(6000)}`), init: {} },
  ];
  if (route.method === 'GET') return gets;
  const form = (value: string | string[]) => {
    const params = new URLSearchParams({ _csrf: csrf });
    for (const field of FIELDS) for (const v of [value].flat()) params.append(field, v);
    return params.toString();
  };
  const json = (value: unknown) =>
    JSON.stringify({ _csrf: csrf, ...Object.fromEntries(FIELDS.map((f) => [f, value])) });
  const post = (name: string, type: string | undefined, body: string | undefined): Probe => ({
    name,
    path: route.path,
    init: { method: 'POST', body, headers: { ...(type ? { 'content-type': type } : {}), 'x-csrf-token': csrf } },
  });
  const posts: Probe[] = [
    post('NUL in every form field', 'application/x-www-form-urlencoded', form(NUL)),
    post('control characters in every form field', 'application/x-www-form-urlencoded', form('\u0007\u001b')),
    post('duplicated form fields', 'application/x-www-form-urlencoded', form(['a', 'b'])),
    post('bracketed form fields', 'application/x-www-form-urlencoded', `_csrf=${csrf}&identifier[a]=1&password[]=2`),
    post('1 MB form field', 'application/x-www-form-urlencoded', `_csrf=${csrf}&identifier=${HUGE}`),
    post('NUL in every JSON value', 'application/json', json(NUL)),
    post('lone surrogate in every JSON value', 'application/json', json(LONE_SURROGATE)),
    post('numbers instead of strings', 'application/json', json(12)),
    post('arrays instead of strings', 'application/json', json(['a', 'b'])),
    post('objects instead of strings', 'application/json', json({ a: { b: 'c' } })),
    post('null values', 'application/json', json(null)),
    post('a JSON array as the body', 'application/json', '[1,2,3]'),
    post('malformed JSON', 'application/json', '{"identifier": '),
    post('1 MB JSON value', 'application/json', json(HUGE)),
    post('no body and no type', undefined, undefined),
    post('text/plain', 'text/plain', 'identifier=a'),
    post('XML', 'application/xml', '<a>b</a>'),
    post('multipart without boundary', 'multipart/form-data', 'x'),
    post('form declared, JSON sent', 'application/x-www-form-urlencoded', json('a')),
    {
      name: 'NUL in every multipart field',
      path: route.path,
      init: {
        method: 'POST',
        body: multipart(csrf, NUL),
        headers: { 'x-csrf-token': csrf },
      },
    },
    post('unknown charset', 'application/x-www-form-urlencoded; charset=klingon', 'identifier=a'),
  ];
  return [...gets.slice(0, 3), ...posts];
}

function multipart(csrf: string, value: string): FormData {
  const data = new FormData();
  data.append('_csrf', csrf);
  for (const field of FIELDS) data.append(field, value);
  data.append('identityDocument', new Blob([value]), `cni${value}.pdf`);
  return data;
}

describe('Bad input on every route (fuzz)', () => {
  let app: TestApp;
  let browser: HttpBrowser;
  let csrf: string;
  let uid: string;

  before(async () => {
    app = await startTestApp();
    await app.app
      .get(IdentityService)
      .createActiveAccount({ email: 'fuzz@example.fr', identifier: 'fuzz', password: PASSWORD });
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app
      .get(ClientRegistry)
      .add({ client_id: 'site', redirect_uris: [REDIRECT_URI] }, (m) => oidc.validateClient(m));
    const config = await client.discovery(
      new URL(app.config.issuer),
      'site',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    // Signed in to the account space, so that its routes are reached past the session check.
    browser = new HttpBrowser();
    let page = await browser.get(`${app.url}/compte`, app.url);
    page = await browser.submit(page, /identifiant$/, { identifier: 'fuzz' }, app.url);
    page = await browser.submit(page, /mot-de-passe$/, { password: PASSWORD }, app.url);
    assert.match(page.body, /<h1>Mon compte<\/h1>/);
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
    // A live interaction of a relying party, for the /interaction/:uid routes.
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      prompt: 'login',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const interaction = await browser.get(url.toString(), app.url);
    uid = /\/interaction\/([^/?#]+)/.exec(interaction.url)![1];
  });
  after(async () => app.close());

  it('refuses a NUL, a lone surrogate or a malformed escape in a path parameter of a signed-in route with a 400', async () => {
    for (const value of ['a%00b', 'a%ED%A0%80b', '%E0%A4%A']) {
      const res = await fetch(`${app.url}/compte/securite/sites/${value}/retirer`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
          cookie: browser.cookieHeaderFor(app.url),
        },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
      });
      assert.equal(res.status, 400, value);
      assert.match(await res.text(), /caractères non autorisés/);
    }
  });

  it('never answers 5xx to the bad-input catalogue, on the whole route inventory and the provider’s endpoints', async () => {
    const routes = inventory(app, { uid, profile: 'citoyen', clientId: 'site' });
    // The same routes with a NUL, then a malformed escape, in every path parameter.
    const withParams = (value: string) =>
      inventory(app, { uid: value, profile: value, clientId: value, id: value, ticket: value, token: value })
        .filter((route) => route.path.includes(value))
        .map((route) => ({ ...route, plain: true }));
    routes.push(...withParams('a%00b'), ...withParams('a%ED%A0%80b'), ...withParams('%E0%A4%A'));
    assert.ok(routes.length >= 40, `routes trouvées : ${routes.length}`);
    const provider: Route[] = [
      'auth',
      'token',
      'me',
      'token/introspection',
      'token/revocation',
      'session/end',
      'session/end/confirm',
      'request',
      'jwks',
      '.well-known/openid-configuration',
      `interaction/${uid}`,
    ].flatMap((p) => [
      { method: 'GET' as const, path: `/oidc/${p}` },
      { method: 'POST' as const, path: `/oidc/${p}` },
    ]);
    // Routes that end the session or the account go last, so the others are reached signed in.
    const last = /deconnexion|supprimer|deconnecter|retirer|annuler/;
    const all = [...routes, ...provider].sort((a, b) => Number(last.test(a.path)) - Number(last.test(b.path)));
    const failures: string[] = [];
    let sent = 0;
    const started = Date.now();
    for (const route of all) {
      const batch = probes(route, csrf);
      await Promise.all(
        batch.map(async (probe) => {
          const res = await fetch(`${app.url}${probe.path}`, {
            ...probe.init,
            redirect: 'manual',
            headers: {
              accept: 'text/html',
              cookie: browser.cookieHeaderFor(app.url),
              ...(probe.init.headers as Record<string, string> | undefined),
            },
          });
          await res.arrayBuffer();
          sent++;
          if (res.status >= 500) failures.push(`${res.status} ${route.method} ${route.path} — ${probe.name}`);
        }),
      );
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`${sent} requêtes sur ${all.length} routes en ${seconds.toFixed(1)} s`);
    assert.deepEqual(failures, [], `${failures.length} réponses 5xx sur ${sent}`);
  });

  it('refuses NUL with a 400: the French page for a page, the OAuth error under /oidc', async () => {
    const page = await fetch(`${app.url}/compte/connexion?x=%00`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 400);
    assert.match(await page.text(), /La requête contient des caractères non autorisés/);
    const token = await fetch(`${app.url}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=a%00b',
    });
    assert.equal(token.status, 400);
    assert.equal(((await token.json()) as { error: string }).error, 'invalid_request');
    const empty = await fetch(`${app.url}/mot-de-passe-oublie`, { method: 'POST', headers: { accept: 'text/html' } });
    assert.equal(empty.status, 400);
    const plain = await fetch(`${app.url}/mot-de-passe-oublie`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'text/plain' },
      body: 'login=a',
    });
    assert.equal(plain.status, 415);
  });
});
