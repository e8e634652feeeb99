import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { IdentityService } from '../identity';
import { FranceConnectAccounts } from './franceconnect-accounts.service';
import type { FranceConnectSignIn } from './franceconnect.client';
import { FranceConnectError } from './franceconnect.errors';

const PASSWORD = 'Chaussette-Volante-7';

const signIn = (sub: string): FranceConnectSignIn => ({
  sub,
  acr: 'eidas1',
  amr: ['fc'],
  idToken: 'jeton-id-fc',
  identity: {
    given_name: 'Angela Claire Louise',
    family_name: 'DUBOIS',
    preferred_username: '',
    birthdate: '1962-08-24',
    gender: 'female',
    birthplace: '75107',
    birthcountry: '99100',
    email: 'angela.dubois@fc.example.fr',
  },
});

const failsWith = (code: string) => (error: unknown) =>
  error instanceof FranceConnectError && error.code === code && error.message.length > 0;

describe('FranceConnectAccounts', () => {
  let app: TestApp;
  let links: FranceConnectAccounts;
  let seq = 0;

  const newAccount = async () => {
    seq++;
    return (
      await app.app.get(IdentityService).createActiveAccount({
        email: `fc${seq}@example.fr`,
        identifier: `fc${seq}`,
        password: PASSWORD,
        givenName: 'Avant',
        familyName: 'Lien',
      })
    ).id;
  };
  const row = async (id: string): Promise<Record<string, unknown>> =>
    (
      await app.dataSource.query<Array<Record<string, unknown>>>(
        `SELECT given_name, family_name, civility, birth_date, identity_certified_by FROM account WHERE id = $1`,
        [id],
      )
    )[0];

  before(async () => {
    app = await startTestApp();
    links = app.app.get(FranceConnectAccounts);
  });
  after(async () => app.close());

  describe('link', () => {
    it('links by sub and certifies the identity fields with the pivot identity, audited', async () => {
      const id = await newAccount();
      await links.linkExisting(id, signIn('sub-1'));
      assert.equal(await links.accountOf('sub-1'), id);
      const account = await row(id);
      assert.equal(account.given_name, 'Angela Claire Louise');
      assert.equal(account.family_name, 'DUBOIS');
      assert.equal(account.civility, 'madame');
      assert.equal(account.identity_certified_by, 'franceconnect');
      const [audit] = await app.dataSource.query(
        `SELECT actor_id FROM audit_event WHERE action = 'franceconnect.identity.linked' AND target_id = $1`,
        [id],
      );
      assert.equal(audit.actor_id, id);
    });

    it('refuses an FC identity already linked to another account, and a second identity for one account', async () => {
      const first = await newAccount();
      const second = await newAccount();
      await links.linkExisting(first, signIn('sub-2'));
      await assert.rejects(links.linkExisting(second, signIn('sub-2')), failsWith('ALREADY_LINKED'));
      await assert.rejects(links.linkExisting(first, signIn('sub-3')), failsWith('ACCOUNT_ALREADY_LINKED'));
      assert.equal(await links.accountOf('sub-3'), undefined);
      assert.equal((await row(second)).identity_certified_by, null);
    });
  });

  describe('unlink', () => {
    it('refuses an account without password, then unlinks and releases the fields (values kept)', async () => {
      const id = await newAccount();
      await links.linkExisting(id, signIn('sub-4'));
      await app.dataSource.query(`UPDATE account SET password_hash = NULL WHERE id = $1`, [id]);
      await assert.rejects(links.unlink(id), failsWith('PASSWORD_REQUIRED'));
      assert.equal(await links.accountOf('sub-4'), id);

      const other = await newAccount();
      await links.linkExisting(other, signIn('sub-5'));
      await links.unlink(other);
      assert.equal(await links.accountOf('sub-5'), undefined);
      const account = await row(other);
      assert.equal(account.identity_certified_by, null);
      assert.equal(account.family_name, 'DUBOIS');
    });
  });

  describe('rememberSession and takeSession', () => {
    it('keeps the FC ID token of a provider session, given back once', async () => {
      const id = await newAccount();
      await links.rememberSession('session-uid-1', id, 'jeton-1');
      const kept = await links.takeSession('session-uid-1');
      assert.deepEqual({ accountId: kept?.accountId, idToken: kept?.idToken }, { accountId: id, idToken: 'jeton-1' });
      assert.ok(kept?.signedInAt instanceof Date, 'the FC sign-in time, for its session lifetime');
      assert.equal(await links.takeSession('session-uid-1'), undefined);
    });
  });
});
