import { Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../platform/audit';
import { currentLocale, t } from '../../platform/i18n/i18n';
import { ExclusiveJobRunner } from '../../platform/jobs/exclusive-job.runner';
import { AccountService, IdentityService, type CertifiedIdentity } from '../identity';
import { birthplaceName } from './birthplace';
import { FranceConnectIdentity } from './entities/franceconnect-identity.entity';
import { FranceConnectSession } from './entities/franceconnect-session.entity';
import type { FranceConnectSignIn, PivotIdentity } from './franceconnect.client';
import { FranceConnectError, FranceConnectErrorCode } from './franceconnect.errors';

/** A certified field as the account holds it and as FranceConnect gives it (empty: none). */
export interface IdentityChange {
  label: string;
  before: string;
  after: string;
  changed: boolean;
}

/** The provider's session lifetime: an FC ID token kept longer belongs to no session any more. */
const SESSION_DAYS = 14;

/**
 * Links between FC identities and accounts, by `sub` only (never by e-mail), and the FC ID tokens kept for logout.
 * Linking certifies the account's identity fields with the pivot identity; unlinking releases them.
 */
@Injectable()
export class FranceConnectAccounts {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountService,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly jobs: ExclusiveJobRunner,
  ) {}

  async accountOf(sub: string): Promise<string | undefined> {
    return (await this.dataSource.getRepository(FranceConnectIdentity).findOneBy({ sub }))?.accountId;
  }

  async identityOf(accountId: string): Promise<FranceConnectIdentity | undefined> {
    return (await this.dataSource.getRepository(FranceConnectIdentity).findOneBy({ accountId })) ?? undefined;
  }

  /**
   * Links an FC identity to an account, in the caller's transaction. Refused when the account already has another FC
   * identity, or when this one is linked to another account.
   */
  async link(manager: EntityManager, accountId: string, signIn: FranceConnectSignIn): Promise<void> {
    const identities = manager.getRepository(FranceConnectIdentity);
    const bySub = await identities.findOneBy({ sub: signIn.sub });
    const byAccount = await identities.findOneBy({ accountId });
    if (bySub && bySub.accountId !== accountId) {
      throw new FranceConnectError(
        FranceConnectErrorCode.ALREADY_LINKED,
        'Cette identité FranceConnect est déjà reliée à un autre compte.',
      );
    }
    if (byAccount && byAccount.sub !== signIn.sub) {
      throw new FranceConnectError(
        FranceConnectErrorCode.ACCOUNT_ALREADY_LINKED,
        'Ce compte est déjà relié à une autre identité FranceConnect. Déliez-la d’abord depuis « Mon compte ».',
      );
    }
    await identities.save(identities.create({ sub: signIn.sub, accountId, ...snapshot(signIn.identity) }));
    await this.accounts.certifyIdentity(manager, accountId, {
      source: 'franceconnect',
      fields: certifiedIdentity(signIn.identity),
    });
    await this.audit.recordAccountAction(manager, accountId, 'franceconnect.identity.linked');
  }

  /**
   * What linking would change in the account's identity, shown before the person confirms: each certified field as it
   * is and as FC gives it (labels and dates in the request's language, the birthplace as its commune's name),
   * `changed` when they differ.
   */
  async linkPreview(accountId: string, signIn: FranceConnectSignIn): Promise<IdentityChange[]> {
    const account = await this.accounts.get(accountId);
    const next = certifiedIdentity(signIn.identity);
    const civility = (c: string | null | undefined) =>
      c === 'madame'
        ? t('franceconnect:certified.madame')
        : c === 'monsieur'
          ? t('franceconnect:certified.monsieur')
          : '';
    const rows: Array<[string, string, string]> = [
      [t('franceconnect:certified.civility'), civility(account?.civility), civility(next.civility)],
      [t('franceconnect:certified.givenNames'), account?.givenName ?? '', next.givenName],
      [t('franceconnect:certified.familyName'), account?.familyName ?? '', next.familyName],
      [t('franceconnect:certified.usageName'), account?.usageName ?? '', next.usageName ?? ''],
      [t('franceconnect:certified.birthDate'), longDate(account?.birthDate), longDate(next.birthDate)],
      // The account has no birthplace of its own: FC's is kept with the link.
      [t('franceconnect:certified.birthplace'), '', birthplaceName(signIn.identity.birthplace) ?? ''],
    ];
    return rows.map(([label, before, after]) => ({ label, before, after, changed: before !== after }));
  }

  /** « J'ai déjà un compte »: links an existing account whose password the person just gave. */
  async linkExisting(accountId: string, signIn: FranceConnectSignIn): Promise<void> {
    await this.dataSource.transaction((manager) => this.link(manager, accountId, signIn));
  }

  /** A sign-in with a linked identity: its pivot identity and the certified fields are brought up to date. */
  async recordSignIn(accountId: string, signIn: FranceConnectSignIn): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager
        .getRepository(FranceConnectIdentity)
        .update({ sub: signIn.sub, accountId }, { ...snapshot(signIn.identity), lastSignInAt: new Date() });
      await this.accounts.certifyIdentity(manager, accountId, {
        source: 'franceconnect',
        fields: certifiedIdentity(signIn.identity),
      });
    });
  }

  /** Unlinks the account's FC identity; only an account that can still sign in with its password may. */
  async unlink(accountId: string): Promise<void> {
    const account = await this.identity.findById(accountId);
    if (!account?.hasPassword) {
      throw new FranceConnectError(
        FranceConnectErrorCode.PASSWORD_REQUIRED,
        'Définissez d’abord un mot de passe : sans lui, vous ne pourriez plus vous connecter à votre compte.',
      );
    }
    await this.dataSource.transaction(async (manager) => {
      const { affected } = await manager.getRepository(FranceConnectIdentity).delete({ accountId });
      if (!affected) return;
      await this.accounts.certifyIdentity(manager, accountId, null);
      await this.audit.recordAccountAction(manager, accountId, 'franceconnect.identity.unlinked');
    });
  }

  /** Keeps the FC ID token of a provider session opened through FC, for the logout. */
  async rememberSession(providerSessionUid: string, accountId: string, idToken: string): Promise<void> {
    await this.dataSource
      .getRepository(FranceConnectSession)
      .upsert({ providerSessionUid, accountId, idToken }, ['providerSessionUid']);
  }

  /** The FC ID token of a provider session that is ending, removed as it is read. */
  async takeSession(
    providerSessionUid: string,
  ): Promise<{ accountId: string; idToken: string; signedInAt: Date } | undefined> {
    // With RETURNING, TypeORM's pg driver answers `[rows, affected]` for a DELETE.
    const [rows] = await this.dataSource.query<
      [Array<{ account_id: string; id_token: string; created_at: Date }>, number]
    >(`DELETE FROM franceconnect_session WHERE provider_session_uid = $1 RETURNING account_id, id_token, created_at`, [
      providerSessionUid,
    ]);
    const row = rows[0];
    return row ? { accountId: row.account_id, idToken: row.id_token, signedInAt: row.created_at } : undefined;
  }

  @Cron(CronExpression.EVERY_HOUR)
  async purgeSessions(): Promise<void> {
    await this.jobs.run('franceconnect.session.purge', async (manager) => {
      await manager.query(`DELETE FROM franceconnect_session WHERE created_at < now() - make_interval(days => $1)`, [
        SESSION_DAYS,
      ]);
    });
  }
}

function longDate(value: string | null | undefined): string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return '';
  const locale = currentLocale() === 'fr' ? 'fr-FR' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${value}T00:00:00Z`),
  );
}

function snapshot(identity: PivotIdentity): Partial<FranceConnectIdentity> {
  const value = (v: string, max: number) => (v ? v.slice(0, max) : null);
  return {
    givenName: value(identity.given_name, 256),
    familyName: value(identity.family_name, 256),
    preferredUsername: value(identity.preferred_username, 256),
    birthdate: value(identity.birthdate, 10),
    gender: value(identity.gender, 8),
    birthplace: value(identity.birthplace, 5),
    birthcountry: value(identity.birthcountry, 5),
    email: value(identity.email, 254),
  };
}

/** The account's identity fields from the pivot identity (FC writes birth names in capitals: kept as sent). */
export function certifiedIdentity(identity: PivotIdentity): CertifiedIdentity {
  return {
    civility: identity.gender === 'female' ? 'madame' : identity.gender === 'male' ? 'monsieur' : null,
    givenName: identity.given_name.slice(0, 128),
    familyName: identity.family_name.slice(0, 128),
    usageName: identity.preferred_username ? identity.preferred_username.slice(0, 128) : null,
    birthDate: /^\d{4}-\d{2}-\d{2}$/.test(identity.birthdate) ? identity.birthdate : null,
  };
}
