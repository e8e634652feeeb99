import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientRegistry, OidcProviderService, type ClientMetadata } from '../../src/modules/oidc';
import { registerApiClient, requestToken, type ApiClientCredentials } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The scope families that act on one thing only need a binding of that kind: `company-accounts:*` a company,
 * `client-space:*` a firm. Refused at registration, and at the token endpoint (`invalid_scope`) for a client stored
 * before the rule (saved here without the registration's check), instead of a token that every call answers with 404.
 */
describe('API bindings per scope family', () => {
  let app: TestApp;
  const resource = () => `${app.url}/api`;

  const metadata = (clientId: string, scope: string, binding?: { kind: string; id: string }): ClientMetadata => ({
    client_id: clientId,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope,
    ...(binding ? { api_binding: binding } : {}),
  });

  /** A client saved as one registered before the binding rule was: only the provider's own checks. */
  const storedBeforeTheRule = async (
    clientId: string,
    scope: string,
    binding?: { kind: string; id: string },
  ): Promise<ApiClientCredentials> => {
    const added = await app.app.get(ClientRegistry).add(metadata(clientId, scope, binding), async () => {});
    return { clientId, clientSecret: added.clientSecret! };
  };

  before(async () => {
    app = await startTestApp();
  });
  after(async () => app.close());

  it('refuses to register company-accounts or client-space scopes without a binding of their kind', async () => {
    const provider = app.app.get(OidcProviderService);
    const registry = app.app.get(ClientRegistry);
    const register = (clientId: string, scope: string, binding?: { kind: string; id: string }) =>
      registry.add(metadata(clientId, scope, binding), (m) => provider.validateClient(m));
    await assert.rejects(
      register('entreprise-sans-lien', 'company-accounts:read'),
      /company-accounts:read demande un rattachement api_binding de type company/,
    );
    await assert.rejects(
      register('entreprise-lien-cabinet', 'company-accounts:write', { kind: 'firm', id: 'c1' }),
      /de type company/,
    );
    await assert.rejects(
      register('cabinet-sans-lien', 'client-space:read'),
      /client-space:read demande un rattachement api_binding de type firm/,
    );
    await assert.rejects(
      register('cabinet-lien-entreprise', 'client-space:write', { kind: 'company', id: 'e1' }),
      /de type firm/,
    );
    // One binding cannot serve two families that each need their own.
    await assert.rejects(
      register('deux-familles', 'client-space:read company-accounts:read', { kind: 'firm', id: 'c1' }),
      /company-accounts:read/,
    );
    assert.equal(await registry.find('entreprise-sans-lien'), undefined, 'nothing registered');
    assert.equal(await registry.find('cabinet-lien-entreprise'), undefined, 'nothing registered');
    await register('sans-famille-liee', 'subscriptions:read');
  });

  it('answers invalid_scope at the token endpoint when a company-accounts scope has no company binding', async () => {
    const unbound = await storedBeforeTheRule('entreprise-ancien', 'company-accounts:read subscriptions:read');
    const refused = await requestToken(app, unbound, { scope: 'company-accounts:read', resource: resource() });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error, 'invalid_scope');
    assert.match(refused.body.error_description, /api_binding of kind company/);
    assert.equal(refused.body.scope, 'company-accounts:read');
    assert.equal(refused.body.access_token, undefined);
    // Its scopes that need no binding still work, and are all it gets.
    const other = await requestToken(app, unbound, { scope: 'subscriptions:read', resource: resource() });
    assert.equal(other.status, 200, JSON.stringify(other.body));
    assert.equal(other.body.scope, 'subscriptions:read');

    const wrongKind = await storedBeforeTheRule('entreprise-lie-cabinet', 'company-accounts:write', {
      kind: 'firm',
      id: 'c1',
    });
    const refusedToo = await requestToken(app, wrongKind, { scope: 'company-accounts:write', resource: resource() });
    assert.equal(refusedToo.status, 400);
    assert.equal(refusedToo.body.error, 'invalid_scope');

    const bound = await registerApiClient(app, 'entreprise-liee', 'company-accounts:read', {
      kind: 'company',
      id: 'e1',
    });
    const granted = await requestToken(app, bound, { scope: 'company-accounts:read', resource: resource() });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    assert.equal(granted.body.scope, 'company-accounts:read');
  });

  it('answers invalid_scope at the token endpoint when a client-space scope has no firm binding', async () => {
    const unbound = await storedBeforeTheRule('cabinet-ancien', 'client-space:read');
    const refused = await requestToken(app, unbound, { scope: 'client-space:read', resource: resource() });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error, 'invalid_scope');
    assert.match(refused.body.error_description, /api_binding of kind firm/);

    const wrongKind = await storedBeforeTheRule('cabinet-lie-entreprise', 'client-space:read client-space:write', {
      kind: 'company',
      id: 'e1',
    });
    const refusedToo = await requestToken(app, wrongKind, {
      scope: 'client-space:read client-space:write',
      resource: resource(),
    });
    assert.equal(refusedToo.status, 400);
    assert.equal(refusedToo.body.error, 'invalid_scope');

    const bound = await registerApiClient(app, 'cabinet-lie', 'client-space:read', { kind: 'firm', id: 'c1' });
    const granted = await requestToken(app, bound, { scope: 'client-space:read', resource: resource() });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
  });
});
