import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { registerFirstPartyClient, spaceCookie, useHttpsSpaceCookies } from './first-party-clients';

describe('spaceCookie', () => {
  const space = registerFirstPartyClient({
    clientId: 'espace-temoin',
    name: 'Espace témoin',
    path: '/espace-temoin',
    scope: 'openid',
  });
  after(() => useHttpsSpaceCookies(false));

  it('over HTTPS, prefixes the name with __Host- and scopes it to the whole host, secure', () => {
    useHttpsSpaceCookies(true);
    assert.deepEqual(spaceCookie(space, space.sessionCookie), {
      name: '__Host-espace_temoin_session',
      path: '/',
      secure: true,
    });
  });

  it('over plain HTTP (development), keeps the plain name scoped to the space', () => {
    useHttpsSpaceCookies(false);
    assert.deepEqual(spaceCookie(space, space.pendingCookie), {
      name: 'espace_temoin_connexion',
      path: '/espace-temoin',
      secure: false,
    });
  });
});
