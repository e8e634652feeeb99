import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { AccountService } from './account.service';
import { IdentityError } from './identity.errors';
import { IdentityService } from './identity.service';

const PASSWORD = 'Chaussette-Volante-7';
const NEW_PASSWORD = 'Parapluie-Orange-42';

describe('AccountService', () => {
  let app: TestApp;
  let accounts: AccountService;
  let seq = 0;
  const events: Array<{ name: string; payload: Record<string, unknown> }> = [];

  /** A fresh active account per test (no shared mutable fixture). */
  const newAccount = async () => {
    seq++;
    return app.app.get(IdentityService).createActiveAccount({
      email: `personne${seq}@example.fr`,
      identifier: `personne${seq}`,
      password: PASSWORD,
      givenName: 'Lou',
      familyName: 'Bernard',
    });
  };
  const formInvalid = (field: string, pattern: RegExp) => (error: unknown) => {
    assert.ok(error instanceof IdentityError);
    assert.equal(error.code, 'FORM_INVALID');
    assert.match(error.fields![field][0], pattern);
    return true;
  };

  before(async () => {
    app = await startTestApp();
    accounts = app.app.get(AccountService);
    app.app.get(EventEmitter2).onAny((name: string | string[], payload: Record<string, unknown>) => {
      events.push({ name: String(name), payload });
    });
  });
  after(async () => app.close());

  describe('updateProfile', () => {
    it('saves the fields, and a changed mobile number is no longer verified', async () => {
      const { id } = await newAccount();
      await app.dataSource.query(
        `UPDATE account SET mobile_phone = '+33612345678', mobile_phone_verified = true WHERE id = $1`,
        [id],
      );
      await accounts.updateProfile(id, {
        civility: 'madame',
        givenName: 'Louise',
        familyName: 'Bernard',
        birthDate: '1990-05-06',
        mobilePhone: '06 98 76 54 32',
        city: 'Lyon',
      });
      const account = (await accounts.get(id))!;
      assert.equal(account.givenName, 'Louise');
      assert.equal(account.city, 'Lyon');
      assert.equal(account.mobilePhone, '+33698765432');
      assert.equal(account.mobilePhoneVerified, false);
    });

    it('keeps the identity certified by FranceConnect whatever the form says', async () => {
      const { id } = await newAccount();
      await app.dataSource.query(
        `UPDATE account SET identity_certified_by = 'franceconnect', civility = 'madame', birth_date = '1990-05-06'
         WHERE id = $1`,
        [id],
      );
      await accounts.updateProfile(id, { givenName: 'Usurpé', familyName: 'Autre', city: 'Brest' });
      const account = (await accounts.get(id))!;
      assert.equal(account.givenName, 'Lou');
      assert.equal(account.familyName, 'Bernard');
      assert.equal(account.city, 'Brest');
    });
  });

  describe('requestEmailChange and confirmEmailChange', () => {
    it('refuses a wrong password, then changes the address only once the link is used', async () => {
      const { id, email } = await newAccount();
      await assert.rejects(
        accounts.requestEmailChange(id, 'nouvelle@example.fr', 'faux'),
        formInvalid('currentPassword', /incorrect/),
      );
      assert.equal(await accounts.requestEmailChange(id, 'Nouvelle@Example.fr', PASSWORD), 'nouvelle@example.fr');
      assert.equal((await accounts.get(id))!.email, email, 'not before the link');
      const [{ url }] = await app.dataSource.query(
        `SELECT data->>'confirmUrl' AS url FROM outbox_message WHERE template = 'email-change-confirm' AND recipient = 'nouvelle@example.fr'`,
      );
      const [warning] = await app.dataSource.query(
        `SELECT recipient FROM outbox_message WHERE template = 'email-change-warning' AND recipient = $1`,
        [email],
      );
      assert.ok(warning, 'the old address is warned');
      const token = String(url).split('/').pop()!;
      const other = await app.app
        .get(IdentityService)
        .createActiveAccount({ email: 'autre-compte@example.fr', password: 'Mot-de-passe-1' });
      assert.equal(await accounts.confirmEmailChange(token, other.id), 'invalid', 'another account’s link');
      assert.equal((await accounts.get(id))!.email, email, 'nothing changed by the other account');
      assert.equal(await accounts.confirmEmailChange(token, id), 'changed', 'the link stayed unspent');
      assert.equal((await accounts.get(id))!.email, 'nouvelle@example.fr');
      assert.equal(await accounts.confirmEmailChange(token, id), 'invalid', 'single use');
      assert.ok(
        events.some(
          (e) =>
            e.name === 'identity.account.email-changed' &&
            e.payload.accountId === id &&
            e.payload.email === 'nouvelle@example.fr',
        ),
      );
    });
  });

  describe('changePassword', () => {
    it('checks the current password and the policy, then sets the new one and warns by e-mail', async () => {
      const { id, email } = await newAccount();
      await assert.rejects(
        accounts.changePassword(
          id,
          { currentPassword: 'faux', password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD },
          { via: 'account' },
        ),
        formInvalid('currentPassword', /incorrect/),
      );
      await assert.rejects(
        accounts.changePassword(
          id,
          { currentPassword: PASSWORD, password: 'court', passwordConfirmation: 'court' },
          { via: 'account' },
        ),
        (error: unknown) => error instanceof IdentityError && Boolean(error.fields?.password),
      );
      await accounts.changePassword(
        id,
        { currentPassword: PASSWORD, password: NEW_PASSWORD, passwordConfirmation: NEW_PASSWORD },
        { via: 'account' },
      );
      const identity = app.app.get(IdentityService);
      assert.equal(await identity.authenticate(email, PASSWORD), undefined);
      assert.equal((await identity.authenticate(email, NEW_PASSWORD))?.id, id);
      const [mail] = await app.dataSource.query(
        `SELECT template FROM outbox_message WHERE template = 'password-changed' AND recipient = $1`,
        [email],
      );
      assert.ok(mail);
      assert.ok(
        events.some(
          (e) =>
            e.name === 'identity.account.password-changed' && e.payload.accountId === id && e.payload.via === 'account',
        ),
      );
    });
  });

  describe('exportData', () => {
    it('gives the account without its password hash, with its audit trail', async () => {
      const { id } = await newAccount();
      await accounts.acceptLegal(id);
      const data = (await accounts.exportData(id)) as {
        account: Record<string, unknown>;
        auditTrail: Array<{ action: string; occurred_at: Date }>;
      };
      assert.equal(data.account.id, id);
      assert.equal(data.account.passwordHash, undefined);
      assert.equal(data.account.hasPassword, true);
      assert.ok(!JSON.stringify(data).includes('argon2'));
      assert.deepEqual(
        data.auditTrail.map((e) => e.action),
        ['identity.terms.accepted'],
      );
      assert.ok(data.auditTrail[0].occurred_at instanceof Date);
    });
  });

  describe('exportData of what others did', () => {
    it('gives the person their own address and browser, never those of whoever acted on them', async () => {
      const { id } = await newAccount();
      await app.dataSource.query(
        `INSERT INTO audit_event (actor_type, actor_id, action, target_type, target_id, outcome, ip_address, user_agent)
         VALUES ('account', 'administrateur', 'identity.account.disabled', 'account', $1, 'success', '198.51.100.23', 'Navigateur de l’administrateur'),
                ('account', $1, 'identity.terms.accepted', NULL, NULL, 'success', '203.0.113.5', 'Mon navigateur')`,
        [id],
      );
      const text = JSON.stringify(await accounts.exportData(id));
      assert.ok(text.includes('identity.account.disabled'), 'the event itself is the person’s to know');
      assert.ok(!text.includes('198.51.100.23') && !text.includes('Navigateur de l’administrateur'));
      assert.ok(text.includes('203.0.113.5') && text.includes('Mon navigateur'));
    });
  });

  describe('deleteAccount', () => {
    it('refuses a wrong password, then deletes the account and says goodbye by e-mail', async () => {
      const { id, email } = await newAccount();
      await assert.rejects(accounts.deleteAccount(id, 'faux'), formInvalid('password', /incorrect/));
      assert.ok(await accounts.get(id));
      await accounts.deleteAccount(id, PASSWORD);
      assert.equal(await accounts.get(id), undefined);
      const [mail] = await app.dataSource.query(
        `SELECT template FROM outbox_message WHERE template = 'account-deleted' AND recipient = $1`,
        [email],
      );
      assert.ok(mail);
      assert.ok(
        events.some(
          (e) =>
            e.name === 'identity.account.deleted' && e.payload.accountId === id && e.payload.reason === 'by-holder',
        ),
      );
    });
  });
});
