import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { IdentityService } from '../../src/modules/identity';
import { ClientRegistry, OidcProviderService } from '../../src/modules/oidc';
import { flowStatements, formatStatements, inProcessStatements, type StepStatements } from '../support/statements';
import { statementTrace } from '../../src/platform/database/statement-counter';
import { startTestApp, type TestApp } from '../support/test-app';

const REDIRECT_URI = 'http://127.0.0.1:9/retour';
const PASSWORD = 'Mot-de-passe-Banc-1';

/**
 * SQL statements per step of the flows the bench loads (docs/performance.md): each step stays within its budget, so
 * that a change adding round-trips to a hot path is seen here rather than in production.
 */
describe('SQL statements per request (the hot paths)', () => {
  let app: TestApp;
  let config: client.Configuration;

  before(async () => {
    app = await startTestApp();
    await app.app.get(IdentityService).createActiveAccount({
      email: 'banc@example.fr',
      identifier: 'banc',
      password: PASSWORD,
      givenName: 'Camille',
      familyName: 'Banc',
    });
    const oidc = app.app.get(OidcProviderService);
    const { clientSecret } = await app.app.get(ClientRegistry).add(
      {
        client_id: 'banc',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
      },
      (m) => oidc.validateClient(m),
    );
    config = await client.discovery(
      new URL(app.config.issuer),
      'banc',
      undefined,
      client.ClientSecretBasic(clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
  });
  after(async () => app.close());

  const input = () => ({ config, base: app.url, identifier: 'banc', password: PASSWORD, redirectUri: REDIRECT_URI });
  const byStep = (steps: StepStatements[]) => Object.fromEntries(steps.map((s) => [s.step, s.statements]));

  it('counts the statements of each step of a first flow (with consent) and of a second one', async () => {
    const first = await flowStatements(inProcessStatements, input());
    statementTrace.lines = process.env.TRACE_SQL ? [] : undefined;
    const second = await flowStatements(inProcessStatements, input());
    if (statementTrace.lines) console.log(statementTrace.lines.join('\n'));
    statementTrace.lines = undefined;
    const offline = await flowStatements(inProcessStatements, { ...input(), offline: true });
    console.log(`Premier flux (consentement) :\n${formatStatements(first)}`);
    console.log(`Flux suivant (consentement mémorisé) :\n${formatStatements(second)}`);
    console.log(`Flux avec offline_access (refresh) :\n${formatStatements(offline)}`);
    second.push(...offline.filter((s) => s.step === 'jeton (refresh_token)'));
    assert.ok(
      first.some((s) => s.step.startsWith('consentement')),
      'the first flow asks for consent',
    );
    assert.ok(!second.some((s) => s.step.startsWith('consentement')), 'the second one remembers it');
    const steps = byStep(second);
    assert.equal(steps['découverte'], 0, 'discovery reads nothing from the database');
    for (const [step, budget] of Object.entries(BUDGET)) {
      assert.ok(steps[step] !== undefined, `step ${step} measured`);
      assert.ok(steps[step] <= budget, `${step}: ${steps[step]} statements, budget ${budget}`);
    }
  });
});

/** The most statements each step of a repeated flow may send (measured after the cuts of docs/performance.md). */
const BUDGET: Record<string, number> = {
  'autorisation (GET /oidc/auth + page identifiant)': 5,
  'identifiant (POST)': 1,
  'connexion (POST mot de passe)': 7,
  // Where the access checks run, nothing more: the subscriptions' check keeps each client's product in memory, the
  // company accounts' check each account's company (both dropped on every instance by a trigger's NOTIFY).
  'reprise après connexion (GET /oidc/auth/:uid)': 7,
  'jeton (code)': 6,
  userinfo: 4,
  'jeton (refresh_token)': 6,
  'jeton (client_credentials)': 1,
};
