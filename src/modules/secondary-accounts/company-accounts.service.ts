import { isUUID } from 'class-validator';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditService } from '../../platform/audit';
import { t, translate } from '../../platform/i18n/i18n';
import { OnDomainEvent } from '../../platform/events';
import {
  AccountService,
  IdentityError,
  IdentityErrorCode,
  IdentityService,
  parseSiret,
  type AccountActor,
  type IdentityEvents,
  type PasswordChange,
} from '../identity';
import { NotificationsService } from '../notifications';
import { localDateTime, readBilling, type BillingValues } from './company-billing';
import { readIdentity, type IdentityValues } from './company-identity';
import { CompanyAccount } from './entities/company-account.entity';
import { OrganisationNumbersStore } from './organisation-numbers.store';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from './secondary-accounts.errors';

/**
 * Company accounts (« Gestion des Comptes »): a company's registration (Entreprise profile) becomes its primary
 * account once activated; existing ones were moved by the migration `SecondaryAccountsCompanyAccount`.
 */
@Injectable()
export class CompanyAccounts {
  constructor(
    @InjectRepository(CompanyAccount) private readonly companies: Repository<CompanyAccount>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly accounts: AccountService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly numbers: OrganisationNumbersStore,
  ) {}

  /** The company account an identity account signs in as, or `undefined`. */
  async ofAccount(accountId: string): Promise<CompanyAccount | undefined> {
    // A subject that is not an account id (a subscription's access codes sign in as `access-codes:<id>`) has none.
    if (!isUUID(accountId)) return undefined;
    return (await this.companies.findOneBy({ accountId })) ?? undefined;
  }

  /** The company account an identity account signs in as, with its primary (itself for a primary), or `undefined`. */
  async withPrimary(accountId: string): Promise<{ company: CompanyAccount; primary: CompanyAccount } | undefined> {
    const company = await this.ofAccount(accountId);
    if (!company) return undefined;
    const primary = company.primaryId ? await this.companies.findOneBy({ id: company.primaryId }) : company;
    return primary ? { company, primary } : undefined;
  }

  /** A primary company account by its id, or `undefined`. */
  async primaryById(id: string): Promise<CompanyAccount | undefined> {
    return (await this.companies.findOneBy({ id, profile: 'primary' })) ?? undefined;
  }

  /** The primary company account an identity account signs in as, or `undefined`. */
  async primaryOfAccount(accountId: string): Promise<CompanyAccount | undefined> {
    return (await this.companies.findOneBy({ accountId, profile: 'primary' })) ?? undefined;
  }

  /**
   * Creates the primary company account of an Entreprise registration, once (idempotent); nothing for another
   * profile. The SIRET recorded at registration (`organisation_number`) is split into SIREN and NIC; a SIREN alone
   * leaves the NIC empty.
   */
  async ensurePrimary(accountId: string): Promise<CompanyAccount | undefined> {
    const existing = await this.ofAccount(accountId);
    if (existing) return existing;
    const registration = await this.identity.companyRegistration(accountId);
    const numbers = registration ? await this.numbers.registered(accountId) : undefined;
    const siret = numbers?.siret ? parseSiret(numbers.siret) : undefined;
    const siren = siret?.slice(0, 9) ?? numbers?.siren;
    if (!registration || !siren) return undefined;
    await this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(CompanyAccount)
        .values({
          accountId,
          login: registration.identifier,
          siren,
          nic: siret?.slice(9) ?? null,
          name: registration.organisationName ?? '',
          type: 'entreprise',
          profile: 'primary',
          status: 'open',
          billingDate: parisDate(new Date()),
          civility: registration.civility,
          familyName: registration.familyName,
          givenName: registration.givenName,
          streetName: registration.addressLine,
          addressComplement: registration.addressComplement,
          postalCode: registration.postalCode,
          city: registration.city,
          country: registration.country,
          email: registration.email,
          phone: registration.phone,
        })
        .orIgnore()
        .returning(['id'])
        .execute();
      const id = (inserted.raw as Array<{ id: string }>)[0]?.id;
      if (id)
        await this.audit.record(
          {
            actor: { type: 'system' },
            action: 'secondary-accounts.primary.created',
            target: { type: 'company_account', id },
            outcome: 'success',
            details: { accountId },
          },
          manager,
        );
    });
    return this.ofAccount(accountId);
  }

  /**
   * Saves the « Identité » tab of a company account (the NIC checked with the SIREN's SIRET key); `FORM_INVALID` with
   * a French message per field otherwise. Audited.
   */
  async updateIdentity(companyId: string, form: IdentityValues, by: string | AccountActor): Promise<CompanyAccount> {
    const company = await this.companies.findOneBy({ id: companyId });
    if (!company)
      throw new SecondaryAccountsError(
        SecondaryAccountsErrorCode.COMPANY_ACCOUNT_NOT_FOUND,
        t('company:errors.accountNotFound'),
      );
    const { values, errors } = readIdentity(company.siren, form);
    if (Object.keys(errors).length > 0)
      throw new SecondaryAccountsError(
        SecondaryAccountsErrorCode.FORM_INVALID,
        t('company:errors.formInvalid'),
        errors,
      );
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(CompanyAccount).update({ id: companyId }, values);
      await this.audit.record(
        {
          actor: typeof by === 'string' ? { type: 'account', id: by } : by,
          action: 'secondary-accounts.identity.updated',
          target: { type: 'company_account', id: companyId },
          outcome: 'success',
        },
        manager,
      );
    });
    return (await this.companies.findOneBy({ id: companyId }))!;
  }

  /**
   * Saves the « Facturation » tab of a primary account: « Utiliser l'adresse du responsable pour la facturation », or
   * a billing address of its own. Audited.
   */
  async updateBilling(primary: CompanyAccount, form: BillingValues, by: string): Promise<CompanyAccount> {
    if (primary.profile !== 'primary')
      throw new SecondaryAccountsError(
        SecondaryAccountsErrorCode.COMPANY_ACCOUNT_NOT_FOUND,
        t('company:errors.billingIsPrimarys'),
      );
    const { values, errors } = readBilling(form);
    if (Object.keys(errors).length > 0)
      throw new SecondaryAccountsError(
        SecondaryAccountsErrorCode.FORM_INVALID,
        t('company:errors.formInvalid'),
        errors,
      );
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(CompanyAccount).update({ id: primary.id }, values);
      await this.audit.record(
        {
          actor: { type: 'account', id: by },
          action: 'secondary-accounts.billing.updated',
          target: { type: 'company_account', id: primary.id },
          outcome: 'success',
        },
        manager,
      );
    });
    return (await this.companies.findOneBy({ id: primary.id }))!;
  }

  /**
   * « Mot de passe » of the signed-in company account: the current one, then the new one twice (identity's use case
   * and policy; the other sessions end). The responsable receives the notice (`onPasswordChanged`).
   */
  async changeOwnPassword(
    accountId: string,
    input: { currentPassword: string; password: string; passwordConfirmation: string },
    keep: { webToken: string; sid: string | null },
  ): Promise<void> {
    try {
      await this.accounts.changePassword(accountId, input, {
        keepWebToken: keep.webToken,
        keepSid: keep.sid,
        via: 'account',
      });
    } catch (error) {
      if (error instanceof IdentityError && error.code === (IdentityErrorCode.FORM_INVALID as string))
        throw new SecondaryAccountsError(
          SecondaryAccountsErrorCode.FORM_INVALID,
          t('company:errors.formInvalid'),
          error.fields,
        );
      throw error;
    }
  }

  /**
   * The declarations portal's notice: when a company account's password is changed or reset (« Mot de passe », a
   * recovery link, or the primary resetting a secondary's), its responsable is told by e-mail. The password reset a
   * switch to a mailbox required is then done. Identity's `PasswordChangeHooks` (registered by the module) runs this in
   * the transaction that stores the password: the notice is queued if and only if the change commits.
   */
  async onPasswordChanged(manager: EntityManager, event: PasswordChange): Promise<void> {
    const companies = manager.getRepository(CompanyAccount);
    const company = await companies.findOneBy({ accountId: event.accountId });
    if (!company) return;
    if (company.passwordResetRequired) await companies.update({ id: company.id }, { passwordResetRequired: false });
    // In the language of the account whose password changed (`account.locale`), as identity's own notices.
    const locale = event.locale;
    if (company.email)
      await this.notifications.enqueueEmail(manager, {
        to: company.email,
        template: 'company-password-changed',
        data: {
          salutation: translate(
            locale,
            company.civility === 'madame'
              ? 'company:mail.passwordChanged.salutationMadame'
              : company.civility === 'monsieur'
                ? 'company:mail.passwordChanged.salutationMonsieur'
                : 'company:mail.passwordChanged.salutation',
          ),
          accountName: company.login,
          changedAt: localDateTime(event.occurredAt, locale),
        },
        locale,
        idempotencyKey: `company-password-changed:${company.id}:${event.occurredAt.getTime()}`,
      });
  }

  /** An Entreprise account becomes a primary company account when activated. */
  @OnDomainEvent('identity.account.activated')
  async onActivated(event: IdentityEvents['identity.account.activated']): Promise<void> {
    await this.ensurePrimary(event.accountId);
  }
}

/** Today's date in Paris, as a `date` column holds it (`2026-12-01`). */
function parisDate(date: Date): string {
  return date.toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
}
