import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { runCli, runningInstanceRuntime } from '../../src/platform/cli/cli';
import { requestToken } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestApp, type TestApp } from '../support/test-app';

describe('Resource servers and API clients on the command line (resources:*, clients:add --api-binding)', () => {
  let app: TestApp;
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database });
  });
  after(async () => {
    await app.close();
    await database.drop();
  });

  /** Runs a command in the running instance, as `npm run cli` does on the embedded database. */
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const runtime = runningInstanceRuntime(app.config, app.app, database.endpoint);
    const code = await runCli(argv, runtime, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  }

  const refused = (result: { code: number; err: string; out: string }, message: RegExp) => {
    assert.equal(result.code, 1, result.out);
    assert.equal(result.err.trim().split('\n').length, 1, result.err);
    assert.match(result.err, message);
  };

  it('registers an API whose clients get JWTs for it, lists it beside the built-in one, removes it', async () => {
    const added = await cli(
      'resources:add',
      '--identifier',
      'https://compta.example.fr/api',
      '--name',
      'Comptabilité',
      '--scope',
      'compta:read',
      'compta:write',
      '--signing-alg',
      'RS256',
    );
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, /API enregistrée : https:\/\/compta\.example\.fr\/api \(Comptabilité\)/);
    const list = await cli('resources:list');
    assert.match(list.out, new RegExp(`${app.url}/api  API de la plateforme \\(intégrée\\)`));
    assert.match(list.out, /https:\/\/compta\.example\.fr\/api {2}Comptabilité {2}RS256 {2}compta:read compta:write/);

    const client = await cli(
      'clients:add',
      '--client-id',
      'compta-robot',
      '--grant-types',
      'client_credentials',
      '--scope',
      'compta:read',
    );
    assert.equal(client.code, 0, client.err);
    const secret = /Secret \(affiché une seule fois, conservez-le\) : (\S+)/.exec(client.out)![1];
    const robot = { clientId: 'compta-robot', clientSecret: secret };
    const token = await requestToken(app, robot, { scope: 'compta:read', resource: 'https://compta.example.fr/api' });
    assert.equal(token.status, 200, token.text);
    assert.equal(decodeProtectedHeader(token.body.access_token as string).alg, 'RS256');
    const claims = decodeJwt(token.body.access_token as string);
    assert.equal(claims.aud, 'https://compta.example.fr/api');
    assert.equal(claims.scope, 'compta:read');
    // Only the scopes the client is registered with.
    const more = await requestToken(app, robot, {
      scope: 'compta:read compta:write',
      resource: 'https://compta.example.fr/api',
    });
    assert.equal(more.status, 400);
    assert.equal(more.body.error, 'invalid_scope');

    refused(await cli('resources:remove', 'https://compta.example.fr/api'), /^Erreur : .*compta-robot/);
    assert.equal((await cli('clients:remove', 'compta-robot')).code, 0);
    const removed = await cli('resources:remove', 'https://compta.example.fr/api');
    assert.equal(removed.code, 0, removed.err);
    assert.doesNotMatch((await cli('resources:list')).out, /compta/);
  });

  it('refuses bad input with one French line', async () => {
    const add = (...args: string[]) => cli('resources:add', '--name', 'X', '--scope', 'x:read', ...args);
    refused(
      await add('--identifier', 'pas-une-adresse'),
      /^Erreur : « pas-une-adresse » n’est pas une adresse absolue/,
    );
    refused(await add('--identifier', 'https://a.example.fr/api#frag'), /^Erreur : .*fragment/);
    refused(await add('--identifier', `${app.url}/api`), /^Erreur : L’API « .* » est déjà enregistrée/);
    refused(await add('--identifier', 'https://b.example.fr/api', '--signing-alg', 'HS256'), /^Erreur : Algorithme/);
    refused(
      await cli('resources:add', '--identifier', 'https://c.example.fr', '--name', 'C', '--scope', 'openid'),
      /^Erreur : La portée « openid » est réservée/,
    );
    refused(
      await cli('resources:remove', `${app.url}/api`),
      /^Erreur : L’API de la plateforme ne peut pas être supprimée/,
    );
    refused(await cli('resources:remove', 'https://absente.example.fr'), /^Erreur : Aucune API enregistrée/);
    const missing = await cli('resources:add', '--identifier', 'https://d.example.fr');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^Erreur : option obligatoire manquante « --name <nom> »/);
  });

  it('binds a client to a firm with --api-binding, and requires it for client-space scopes', async () => {
    const base = ['clients:add', '--grant-types', 'client_credentials'];
    refused(
      await cli(...base, '--client-id', 'cabinet-sans-lien', '--scope', 'client-space:read'),
      /client-space:\* demandent --api-binding firm:<id>/,
    );
    refused(
      await cli(...base, '--client-id', 'cabinet-mal-lie', '--scope', 'client-space:read', '--api-binding', 'cabinet'),
      /--api-binding attend « type:identifiant »/,
    );
    const added = await cli(
      ...base,
      '--client-id',
      'cabinet-lie',
      '--scope',
      'client-space:read client-space:write',
      '--api-binding',
      'firm:cabinet-dupont',
    );
    assert.equal(added.code, 0, added.err);
    const secret = /Secret \(affiché une seule fois, conservez-le\) : (\S+)/.exec(added.out)![1];
    const token = await requestToken(
      app,
      { clientId: 'cabinet-lie', clientSecret: secret },
      { scope: 'client-space:read client-space:write' },
    );
    assert.equal(token.status, 200, token.text);
    const claims = decodeJwt(token.body.access_token as string);
    assert.equal(claims.aud, `${app.url}/api`);
    assert.deepEqual(claims.api_binding, { kind: 'firm', id: 'cabinet-dupont' });
  });
});
