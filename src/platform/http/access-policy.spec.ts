import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstPartySpaceOf, registerFirstPartyClient } from '../first-party-clients';
import { safeReturnPath } from './access-policy';

const space = registerFirstPartyClient({
  clientId: 'essai-politique',
  name: 'l’espace d’essai',
  path: '/espace-politique',
  scope: 'openid',
});
const nested = registerFirstPartyClient({
  clientId: 'essai-politique-admin',
  name: 'l’espace d’essai imbriqué',
  path: '/espace-politique/admin',
  scope: 'openid',
});

describe('Access policy', () => {
  describe('safeReturnPath', () => {
    it('keeps a page of the space, with its query string', () => {
      assert.equal(safeReturnPath(space, '/espace-politique'), '/espace-politique');
      assert.equal(
        safeReturnPath(space, '/espace-politique/dossiers/4?onglet=pieces'),
        '/espace-politique/dossiers/4?onglet=pieces',
      );
    });

    it('refuses what would leave the space or the site (open redirect)', () => {
      for (const value of [
        '//evil.example/espace-politique',
        'https://evil.example/espace-politique',
        '/\\evil.example',
        '\\\\evil.example',
        '/espace-politique/../admin',
        '/espace-politique/%2e%2e/admin',
        '/espace-politiquex',
        '/espace-politique\t',
        'espace-politique',
        '',
        `/espace-politique/${'a'.repeat(2000)}`,
        ['/espace-politique'],
        undefined,
      ]) {
        assert.equal(safeReturnPath(space, value), undefined, JSON.stringify(value));
      }
    });
  });

  describe('firstPartySpaceOf', () => {
    it('finds the space of a path by its longest prefix, on segment boundaries', () => {
      assert.equal(firstPartySpaceOf('/espace-politique/dossiers')?.clientId, space.clientId);
      assert.equal(firstPartySpaceOf('/espace-politique/admin/comptes')?.clientId, nested.clientId);
      assert.equal(firstPartySpaceOf('/espace-politiquex'), undefined);
    });
  });

  describe('registerFirstPartyClient', () => {
    it('derives the routes and cookies from the path, and refuses a second definition of a space', () => {
      assert.equal(space.redirectPath, '/espace-politique/connexion/retour');
      assert.equal(space.backchannelLogoutPath, '/espace-politique/deconnexion/canal-arriere');
      assert.equal(space.sessionCookie, 'espace_politique_session');
      assert.equal(registerFirstPartyClient({ ...space }), space, 'the same definition again is the same space');
      assert.throws(() => registerFirstPartyClient({ ...space, scope: 'openid email' }), /déjà enregistré/);
      assert.throws(() => registerFirstPartyClient({ ...space, clientId: 'autre', path: '/Espace' }), /invalide/);
    });
  });
});
