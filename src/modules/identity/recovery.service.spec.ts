import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { IdentityError } from './identity.errors';
import { IdentityService } from './identity.service';
import { RecoveryService } from './recovery.service';

const PASSWORD = 'Chaussette-Volante-7';
const NEW_PASSWORD = 'Parapluie-Orange-42';

describe('RecoveryService', () => {
  let app: TestApp;
  let recovery: RecoveryService;
  let seq = 0;

  const newAccount = async () => {
    seq++;
    return app.app.get(IdentityService).createActiveAccount({
      email: `oubli${seq}@example.fr`,
      identifier: `oubli${seq}`,
      password: PASSWORD,
    });
  };
  const mails = (recipient: string, template: string) =>
    app.dataSource.query<Array<{ data: Record<string, unknown> }>>(
      `SELECT data FROM outbox_message WHERE recipient = $1 AND template = $2 ORDER BY created_at`,
      [recipient, template],
    );
  const tokenOf = (url: unknown) => String(url).split('/').pop()!;

  before(async () => {
    // No SMS gateway here: a reset asked by SMS goes by e-mail.
    app = await startTestApp();
    recovery = app.app.get(RecoveryService);
  });
  after(async () => app.close());

  describe('requestReset', () => {
    it('sends a reset link to the account of an identifier or e-mail, and nothing for nobody, with the same answer', async () => {
      const { email, identifier } = await newAccount();
      assert.deepEqual(await recovery.requestReset(identifier, 'email'), { channel: 'email' });
      assert.deepEqual(await recovery.requestReset('personne.inconnue', 'email'), { channel: 'email' });
      const [mail] = await mails(email, 'password-reset');
      assert.match(String(mail.data.resetUrl), /\/mot-de-passe-oublie\/nouveau\/[\w-]{43}$/);
      const [{ n }] = await app.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox_message WHERE template = 'password-reset' AND recipient NOT LIKE 'oubli%'`,
      );
      assert.equal(n, 0);
    });

    it('sends nothing more after 5 requests in an hour, and still answers the same', async () => {
      const { email } = await newAccount();
      for (let i = 0; i < 7; i++) assert.deepEqual(await recovery.requestReset(email, 'email'), { channel: 'email' });
      assert.equal((await mails(email, 'password-reset')).length, 5);
    });
  });

  describe('resetPassword', () => {
    it('applies the policy, sets the password once, and the link then no longer works', async () => {
      const { email, id } = await newAccount();
      await recovery.requestReset(email, 'email');
      const token = tokenOf((await mails(email, 'password-reset'))[0].data.resetUrl);
      assert.equal(await recovery.linkIsValid(token), true);
      await assert.rejects(
        recovery.resetPassword(token, 'court', 'court'),
        (error: unknown) => error instanceof IdentityError && error.code === 'FORM_INVALID',
      );
      assert.equal((await recovery.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD)).status, 'done');
      assert.equal((await app.app.get(IdentityService).authenticate(email, NEW_PASSWORD))?.id, id);
      assert.equal(await recovery.linkIsValid(token), false);
      assert.equal((await recovery.resetPassword(token, NEW_PASSWORD, NEW_PASSWORD)).status, 'invalid');
    });

    it('refuses an unknown link', async () => {
      assert.equal((await recovery.resetPassword('x'.repeat(43), NEW_PASSWORD, NEW_PASSWORD)).status, 'invalid');
    });
  });

  describe('remindIdentifier', () => {
    it('sends the identifier to the address of an active account, and nothing otherwise', async () => {
      const { email, identifier } = await newAccount();
      await recovery.remindIdentifier(email.toUpperCase());
      await recovery.remindIdentifier('inconnu@example.fr');
      const [mail] = await mails(email, 'identifier-reminder');
      assert.equal(mail.data.identifier, identifier);
      assert.equal((await mails('inconnu@example.fr', 'identifier-reminder')).length, 0);
    });
  });
});
