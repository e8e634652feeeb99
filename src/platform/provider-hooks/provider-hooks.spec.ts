import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProviderHooks } from './provider-hooks';

describe('ProviderHooks, shared subjects', () => {
  const hooks = new ProviderHooks();
  hooks.addSharedCredentials({
    name: 'temoin.codes',
    recognises: () => false,
    authenticate: async () => undefined,
    owns: (subject) => subject.startsWith('codes:'),
    stands: async () => true,
  });
  hooks.addAccessCheck({ name: 'temoin.comptes', check: async () => undefined });
  hooks.addAccessCheck({ name: 'temoin.partages', sharedSubjects: true, check: async () => undefined });
  hooks.addClaimsContributor({ scope: 'a', claims: ['a'], description: 'a', claimsFor: async () => ({ a: 1 }) });
  hooks.addClaimsContributor({
    scope: 'b',
    claims: ['b'],
    description: 'b',
    sharedSubjects: true,
    claimsFor: async () => ({ b: 1 }),
  });

  it('gives an account every check and contributor', () => {
    assert.deepEqual(
      hooks.accessChecksFor('6c1f7a52-3b8e-4d6f-9a51-0d2c4e8b7f10').map((c) => c.name),
      ['temoin.comptes', 'temoin.partages'],
    );
    assert.deepEqual(
      hooks.claimsContributorsFor('6c1f7a52-3b8e-4d6f-9a51-0d2c4e8b7f10').map((c) => c.scope),
      ['a', 'b'],
    );
  });

  it('never hands a shared subject to a check or contributor that did not take them', () => {
    assert.deepEqual(
      hooks.accessChecksFor('codes:42').map((c) => c.name),
      ['temoin.partages'],
    );
    assert.deepEqual(
      hooks.claimsContributorsFor('codes:42').map((c) => c.scope),
      ['b'],
    );
  });
});

describe('ProviderHooks, brand contributors', () => {
  it('gives a site its own brand over its product’s, name and logo together, the colour from the first that has one', async () => {
    const hooks = new ProviderHooks();
    hooks.addBrandContributor({
      name: 'temoin.produit',
      level: 'product',
      brandFor: async (clientId) =>
        clientId === 'autre' ? undefined : { name: 'Produit', logoUrl: '/produit.svg', primaryColor: '#7a1f5c' },
    });
    hooks.addBrandContributor({
      name: 'temoin.site',
      level: 'relying-party',
      brandFor: async (clientId) => (clientId === 'site' ? { name: 'Site' } : undefined),
    });
    assert.deepEqual(await hooks.brandFor('site'), { name: 'Site', primaryColor: '#7a1f5c' });
    assert.deepEqual(await hooks.brandFor('produit'), {
      name: 'Produit',
      logoUrl: '/produit.svg',
      primaryColor: '#7a1f5c',
    });
    assert.equal(await hooks.brandFor('autre'), undefined);
  });

  it('leaves the deployment’s brand when nobody contributes', async () => {
    assert.equal(await new ProviderHooks().brandFor('site'), undefined);
  });
});
