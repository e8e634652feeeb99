import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { IdentityError } from './identity.errors';
import type { RegistrationForm } from './registration-validator';
import { RegistrationService } from './registration.service';

const PASSWORD = 'Chaussette-Volante-7';

const citizen = (overrides: Partial<RegistrationForm> = {}): RegistrationForm => ({
  profile: 'citoyen',
  civility: 'madame',
  givenName: 'Élise',
  familyName: 'Dupont',
  birthDate: '1985-04-12',
  email: 'elise.dupont@example.fr',
  password: PASSWORD,
  passwordConfirmation: PASSWORD,
  acceptTerms: true,
  acceptPrivacy: true,
  activationChannel: 'email',
  ...overrides,
});

describe('RegistrationService', () => {
  let app: TestApp;
  let registration: RegistrationService;
  const outbox = (recipient: string) =>
    app.dataSource.query<Array<{ template: string }>>(
      `SELECT template FROM outbox_message WHERE recipient = $1 ORDER BY created_at`,
      [recipient],
    );

  before(async () => {
    app = await startTestApp();
    registration = app.app.get(RegistrationService);
  });
  after(async () => app.close());

  describe('register', () => {
    it('creates a pending account with a hashed password, its activation e-mail and an audit record', async () => {
      const outcome = await registration.register(citizen());
      assert.equal(outcome.next, 'email');
      assert.equal(outcome.email, 'elise.dupont@example.fr');
      const [account] = await app.dataSource.query(
        `SELECT id, status, origin, identifier, password_hash, terms_version FROM account WHERE email = $1`,
        ['elise.dupont@example.fr'],
      );
      assert.equal(account.status, 'pending');
      assert.equal(account.origin, 'registration');
      assert.equal(account.identifier, 'elise.dupont');
      assert.match(account.password_hash, /^\$argon2id\$/);
      assert.ok(account.terms_version);
      assert.deepEqual(
        (await outbox('elise.dupont@example.fr')).map((m) => m.template),
        ['account-activation'],
      );
      const [secret] = await app.dataSource.query(`SELECT purpose, used_at FROM account_secret WHERE account_id = $1`, [
        account.id,
      ]);
      assert.equal(secret.purpose, 'activation');
      assert.equal(secret.used_at, null);
      const [audit] = await app.dataSource.query(
        `SELECT actor_id, details FROM audit_event WHERE action = 'identity.account.registered' AND target_id = $1`,
        [account.id],
      );
      assert.equal(audit.actor_id, account.id);
      assert.equal(audit.details.profile, 'citoyen');
    });

    it('answers an address already used as a free one, creates nothing and tells the holder', async () => {
      await registration.register(citizen({ email: 'deja@example.fr', identifier: 'deja1' }));
      const again = await registration.register(
        citizen({ email: 'DEJA@example.fr', identifier: 'deja2', givenName: 'Autre' }),
      );
      assert.equal(again.email, 'deja@example.fr');
      assert.equal(again.accountId, null);
      const [{ n }] = await app.dataSource.query(
        `SELECT count(*)::int AS n FROM account WHERE email = 'deja@example.fr'`,
      );
      assert.equal(n, 1);
      assert.deepEqual(
        (await outbox('deja@example.fr')).map((m) => m.template),
        ['account-activation', 'registration-email-taken'],
      );
    });

    it('refuses a wrong form field by field, in French, and stores nothing', async () => {
      await assert.rejects(
        registration.register(
          citizen({ email: 'pas-une-adresse', password: 'court', passwordConfirmation: 'autre', acceptTerms: false }),
        ),
        (error: unknown) => {
          assert.ok(error instanceof IdentityError);
          assert.equal(error.code, 'REGISTRATION_INVALID');
          assert.match(error.fields!.email[0], /adresse électronique valide/);
          assert.ok(error.fields!.password || error.fields!.passwordConfirmation);
          assert.match(error.fields!.acceptTerms[0], /conditions générales/);
          return true;
        },
      );
      const [{ n }] = await app.dataSource.query(
        `SELECT count(*)::int AS n FROM account WHERE email = 'pas-une-adresse'`,
      );
      assert.equal(n, 0);
    });
  });

  describe('registerFederated', () => {
    const federated = {
      identity: {
        civility: 'monsieur' as const,
        givenName: 'Jean',
        familyName: 'MARTIN',
        usageName: null,
        birthDate: '1970-01-02',
      },
      email: 'jean.martin@example.fr',
      source: 'franceconnect' as const,
    };

    it('activates at once with FC’s address, certifies the identity and links in the same transaction', async () => {
      let linkedTo: string | undefined;
      const created = await registration.registerFederated(
        citizen({ email: 'Jean.Martin@example.fr', givenName: 'ignoré', password: '', passwordConfirmation: '' }),
        federated,
        async (_manager, accountId) => {
          linkedTo = accountId;
        },
      );
      assert.equal(created.status, 'active');
      assert.equal(linkedTo, created.accountId);
      const [row] = await app.dataSource.query(
        `SELECT given_name, identity_certified_by, password_hash, email_verified FROM account WHERE id = $1`,
        [created.accountId],
      );
      assert.equal(row.given_name, 'Jean', 'the certified name, not the form’s');
      assert.equal(row.identity_certified_by, 'franceconnect');
      assert.equal(row.password_hash, null, 'the password is optional');
      assert.equal(row.email_verified, true);
    });

    it('keeps another address pending until its activation link is used', async () => {
      const created = await registration.registerFederated(
        citizen({ email: 'autre.adresse@example.fr', identifier: 'jean.m2', password: '', passwordConfirmation: '' }),
        { ...federated, email: 'jean.m2@fc.example.fr' },
        async () => undefined,
      );
      assert.equal(created.status, 'pending');
      assert.deepEqual(
        (await outbox('autre.adresse@example.fr')).map((m) => m.template),
        ['account-activation'],
      );
    });

    it('leaves nothing behind when the link fails', async () => {
      await assert.rejects(
        registration.registerFederated(
          citizen({ email: 'echec@example.fr', identifier: 'echec', password: '', passwordConfirmation: '' }),
          { ...federated, email: 'echec@example.fr' },
          async () => {
            throw new Error('lien impossible');
          },
        ),
        /lien impossible/,
      );
      const [{ n }] = await app.dataSource.query(
        `SELECT count(*)::int AS n FROM account WHERE email = 'echec@example.fr'`,
      );
      assert.equal(n, 0);
    });
  });
});
