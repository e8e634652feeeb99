import { CompanyStandingCache } from './company-access';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { AuditService } from '../../platform/audit';
import type { FieldErrors } from '../../platform/errors';
import { t } from '../../platform/i18n/i18n';
import {
  AccountService,
  checkPassword,
  describePasswordProblems,
  IdentityError,
  IdentityErrorCode,
  IdentityService,
  type AccountActor,
} from '../identity';
import { CompanyAccounts } from './company-accounts.service';
import type { IdentityValues } from './company-identity';
import { CompanyAccount, type CompanyStatus } from './entities/company-account.entity';
import { Mailboxes } from './mailboxes.service';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from './secondary-accounts.errors';
import { readServices, Teleprocedures, type ServiceOptions } from './teleprocedures.service';

/** What the primary sends to create a secondary account (« Créer un compte secondaire »). */
export interface NewSecondaryAccount {
  /** The name before the primary's suffix: `cs1` gives `cs1.asp1ent`. */
  name: string;
  password: string;
  passwordConfirmation: string;
  autonomous: boolean;
  mailbox: boolean;
  /** Codes of téléprocédures, never beyond the primary's. */
  teleprocedures?: string[];
}

/** The « Options » tab of a secondary account, as its primary sends it. */
export interface SecondaryOptions {
  mailbox: boolean;
  autonomous: boolean;
  services: ServiceOptions;
  teleprocedures: string[];
}

/** The search of the list (« Masque de recherche »). */
export interface SecondarySearch {
  siret?: string;
  status?: CompanyStatus;
  name?: string;
  /** A page of the list (the API): the logins after this one, at most `limit`. */
  afterLogin?: string;
  limit?: number;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,29}$/;

/**
 * A primary's secondary accounts: listed, created (name suffixed by the primary's login, within the quota of accounts
 * with a mailbox), deactivated and reactivated. Every use case takes the primary company account and reaches only its
 * own secondaries: another company's id is « introuvable ».
 */
@Injectable()
export class SecondaryAccounts {
  constructor(
    @InjectRepository(CompanyAccount) private readonly companies: Repository<CompanyAccount>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly teleprocedures: Teleprocedures,
    private readonly companyAccounts: CompanyAccounts,
    private readonly accounts: AccountService,
    private readonly mailboxes: Mailboxes,
    private readonly standing: CompanyStandingCache,
  ) {}

  /** One of the primary's own secondary accounts; any other id (another company's, the primary's) is « introuvable ». */
  async get(primary: CompanyAccount, secondaryId: string): Promise<CompanyAccount> {
    const secondary = await this.companies.findOneBy({ id: secondaryId, primaryId: primary.id, profile: 'secondary' });
    if (!secondary?.accountId) throw notFound();
    return secondary;
  }

  /** The « Identité » tab of a secondary account, saved by its primary. */
  async updateIdentity(
    primary: CompanyAccount,
    secondaryId: string,
    form: IdentityValues,
    by: string | AccountActor,
  ): Promise<CompanyAccount> {
    const secondary = await this.get(primary, secondaryId);
    return this.companyAccounts.updateIdentity(secondary.id, form, by);
  }

  /**
   * The « Options » tab of a secondary account, saved by its primary: the mailbox (within the quota: the primary's row
   * is locked as for a creation), autonomy, the services and the téléprocédures (never beyond the primary's). A switch
   * from no mailbox to a mailbox provisions it (the signed webhook, in this transaction) and requires the holder to
   * reset the password before using it: `mailboxSwitchedOn` tells the page to show the seed's warning.
   */
  async updateOptions(
    primary: CompanyAccount,
    secondaryId: string,
    options: SecondaryOptions,
    by: string | AccountActor,
  ): Promise<{ secondary: CompanyAccount; mailboxSwitchedOn: boolean }> {
    const secondary = await this.get(primary, secondaryId);
    const errors: FieldErrors = {};
    const services = readServices(options.services, errors);
    if (options.mailbox && !secondary.hasMailbox && !this.mailboxes.available)
      errors.mailbox = [t('company:errors.mailboxesUnavailable')];
    if (Object.keys(errors).length > 0) throw formInvalid(errors);
    const switchedOn = options.mailbox && !secondary.hasMailbox;
    const switchedOff = !options.mailbox && secondary.hasMailbox;
    await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(CompanyAccount);
      const locked = await repository.findOne({ where: { id: primary.id }, lock: { mode: 'pessimistic_write' } });
      if (!locked) throw notFound();
      if (switchedOn) {
        const used = await repository.countBy({ primaryId: locked.id, hasMailbox: true });
        if (used >= locked.secondaryQuota) throw quotaReached(locked.secondaryQuota);
      }
      await this.teleprocedures.setForSecondary(manager, locked.id, secondary.id, options.teleprocedures);
      const address = switchedOn ? this.mailboxes.addressOf(secondary.login) : secondary.mailboxAddress;
      await repository.update(
        { id: secondary.id },
        {
          ...services,
          autonomous: options.autonomous,
          hasMailbox: options.mailbox,
          mailboxAddress: options.mailbox ? address : null,
          passwordResetRequired: switchedOn ? true : options.mailbox ? secondary.passwordResetRequired : false,
        },
      );
      if (switchedOn) await this.mailboxes.announce(manager, 'mailbox.created', secondary, address!, primary.login);
      if (switchedOff && secondary.mailboxAddress)
        await this.mailboxes.announce(manager, 'mailbox.removed', secondary, secondary.mailboxAddress, primary.login);
      await this.audit.record(
        {
          actor: actorOf(by),
          action: 'secondary-accounts.secondary.options-updated',
          target: { type: 'company_account', id: secondary.id },
          outcome: 'success',
          details: {
            mailbox: options.mailbox,
            autonomous: options.autonomous,
            teleprocedures: [...new Set(options.teleprocedures)],
            ...services,
          },
        },
        manager,
      );
    });
    return { secondary: await this.get(primary, secondary.id), mailboxSwitchedOn: switchedOn };
  }

  /**
   * « Mot de passe » of a secondary account, set by its primary (a reset: no current password). Every session of the
   * secondary ends; its responsable receives the notice. This is the reset a switch to a mailbox requires.
   */
  async resetPassword(
    primary: CompanyAccount,
    secondaryId: string,
    input: { password: string; passwordConfirmation: string },
    by: string,
  ): Promise<CompanyAccount> {
    const secondary = await this.get(primary, secondaryId);
    const errors: FieldErrors = {};
    const check = checkPassword(input.password, [secondary.login, secondary.login.split('.')[0], secondary.name]);
    if (check.problems.length > 0) errors.password = [describePasswordProblems(check.problems)];
    if (input.password !== input.passwordConfirmation)
      errors.passwordConfirmation = [t('company:errors.passwordsDiffer')];
    if (Object.keys(errors).length > 0) throw formInvalid(errors);
    const account = await this.accounts.get(secondary.accountId!);
    if (!account) throw notFound();
    await this.accounts.setPassword(account, input.password, { via: 'reset' });
    await this.audit.record({
      actor: { type: 'account', id: by },
      action: 'secondary-accounts.secondary.password-reset',
      target: { type: 'company_account', id: secondary.id },
      outcome: 'success',
    });
    return this.get(primary, secondary.id);
  }

  async list(primary: CompanyAccount, search: SecondarySearch = {}): Promise<CompanyAccount[]> {
    const query = this.companies
      .createQueryBuilder('c')
      .where('c.primary_id = :primary', { primary: primary.id })
      .andWhere('c.account_id IS NOT NULL')
      .orderBy('c.login', 'ASC');
    const siret = search.siret?.replace(/[\s.-]/g, '');
    if (siret) query.andWhere(`c.siren || COALESCE(c.nic, '') LIKE :siret`, { siret: `${escapeLike(siret)}%` });
    if (search.status) query.andWhere('c.status = :status', { status: search.status });
    const name = search.name?.trim().toLowerCase();
    if (name) query.andWhere('(c.login LIKE :name OR lower(c.name) LIKE :name)', { name: `%${escapeLike(name)}%` });
    if (search.afterLogin !== undefined) query.andWhere('c.login > :after', { after: search.afterLogin });
    if (search.limit !== undefined) query.take(search.limit);
    return query.getMany();
  }

  /** How many secondary accounts with a mailbox the primary has (what its quota counts). */
  async mailboxesUsed(primary: CompanyAccount): Promise<number> {
    return this.companies.countBy({ primaryId: primary.id, hasMailbox: true });
  }

  /**
   * Creates a secondary account: `<name>.<primary login>`, an active identity account with the password the primary
   * chose, inheriting the primary's SIREN, NIC, raison sociale, type and responsable. With a mailbox, refused
   * (`QUOTA_REACHED`) once the primary's quota of accounts with a mailbox is reached, even under concurrent creations:
   * the primary's row is locked while the new row (holding the quota and the login) is written, and identity creates
   * the account after that commit, on its own connection.
   */
  async create(
    primary: CompanyAccount,
    input: NewSecondaryAccount,
    by: string | AccountActor,
  ): Promise<CompanyAccount> {
    const actor = actorOf(by);
    const name = input.name.trim().toLowerCase();
    const login = `${name}.${primary.login}`;
    const errors: FieldErrors = {};
    if (!NAME.test(name) || login.length > 64) errors.name = [t('company:errors.accountName')];
    const check = checkPassword(input.password, [name, login, primary.name]);
    if (check.problems.length > 0) errors.password = [describePasswordProblems(check.problems)];
    if (input.password !== input.passwordConfirmation)
      errors.passwordConfirmation = [t('company:errors.passwordsDiffer')];
    if (input.mailbox && !this.mailboxes.available) errors.mailbox = [t('company:errors.mailboxesUnavailableCreate')];
    if (Object.keys(errors).length > 0) throw formInvalid(errors);

    const reserved = await this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(CompanyAccount);
      const locked = await repository.findOne({
        where: { id: primary.id, profile: 'primary' },
        lock: { mode: 'pessimistic_write' },
      });
      if (!locked) throw notFound();
      if (input.mailbox) {
        const used = await repository.countBy({ primaryId: locked.id, hasMailbox: true });
        if (used >= locked.secondaryQuota) throw quotaReached(locked.secondaryQuota);
      }
      if (await repository.existsBy({ login })) throw formInvalid({ name: [takenMessage(login)] });
      const row = await repository.save(
        repository.create({
          accountId: null,
          primaryId: locked.id,
          login,
          siren: locked.siren,
          nic: locked.nic,
          name: locked.name,
          type: locked.type,
          profile: 'secondary',
          status: 'open',
          test: locked.test,
          autonomous: input.autonomous,
          hasMailbox: input.mailbox,
          mailboxAddress: input.mailbox ? this.mailboxes.addressOf(login) : null,
          civility: locked.civility,
          familyName: locked.familyName,
          givenName: locked.givenName,
          email: locked.email,
          phone: locked.phone,
        }),
      );
      await this.teleprocedures.setForSecondary(manager, locked.id, row.id, input.teleprocedures ?? []);
      return row;
    });

    let accountId: string;
    try {
      const holder = await this.identity.findById(primary.accountId ?? '');
      accountId = (
        await this.identity.createActiveAccount({
          identifier: login,
          // Without a mailbox, the service messages go to the primary's address (tagged, the account table wanting
          // one address per account); the mailbox slice gives mailbox accounts their own address.
          email: tagged(holder?.email ?? primary.email ?? '', login),
          password: input.password,
          givenName: primary.givenName ?? undefined,
          familyName: primary.familyName ?? undefined,
        })
      ).id;
    } catch (error) {
      await this.companies.delete({ id: reserved.id });
      if (
        error instanceof IdentityError &&
        [IdentityErrorCode.IDENTIFIER_TAKEN, IdentityErrorCode.EMAIL_TAKEN].includes(error.code as IdentityErrorCode)
      )
        throw formInvalid({ name: [takenMessage(login)] });
      throw error;
    }
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(CompanyAccount).update({ id: reserved.id }, { accountId });
      // Announced once the account exists: a refused creation never reaches the mail system.
      if (reserved.mailboxAddress)
        await this.mailboxes.announce(manager, 'mailbox.created', reserved, reserved.mailboxAddress, primary.login);
      await this.audit.record(
        {
          actor,
          action: 'secondary-accounts.secondary.created',
          target: { type: 'company_account', id: reserved.id },
          outcome: 'success',
          details: { primaryId: primary.id, mailbox: input.mailbox, autonomous: input.autonomous },
        },
        manager,
      );
    });
    return { ...reserved, accountId };
  }

  /**
   * « La croix rouge »: the account stays in the list, closed; its identity account is disabled, which ends every
   * session and grant at once (relying parties told by back-channel logout).
   */
  async deactivate(primary: CompanyAccount, secondaryId: string, by: string | AccountActor): Promise<CompanyAccount> {
    return this.setStatus(primary, secondaryId, 'closed', by);
  }

  /** Reactivates a deactivated secondary account: open again, sign-in allowed. */
  async reactivate(primary: CompanyAccount, secondaryId: string, by: string | AccountActor): Promise<CompanyAccount> {
    return this.setStatus(primary, secondaryId, 'open', by);
  }

  private async setStatus(
    primary: CompanyAccount,
    secondaryId: string,
    status: 'open' | 'closed',
    by: string | AccountActor,
  ) {
    const secondary = await this.get(primary, secondaryId);
    const actor = actorOf(by);
    if (status === 'closed') await this.identity.disable(secondary.accountId!, actor);
    else await this.identity.enable(secondary.accountId!, actor);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(CompanyAccount).update({ id: secondary.id }, { status });
      await this.audit.record(
        {
          actor,
          action:
            status === 'closed'
              ? 'secondary-accounts.secondary.deactivated'
              : 'secondary-accounts.secondary.reactivated',
          target: { type: 'company_account', id: secondary.id },
          outcome: 'success',
        },
        manager,
      );
    });
    this.standing.forget();
    return { ...secondary, status };
  }
}

/** Who acts: a signed-in account (its id), or another actor (an API client). */
const actorOf = (by: string | AccountActor): AccountActor =>
  typeof by === 'string' ? { type: 'account', id: by } : by;

function tagged(email: string, login: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}+${login}${email.slice(at)}`;
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
const takenMessage = (login: string) => t('company:errors.accountTaken', { login });
const formInvalid = (fields: FieldErrors) =>
  new SecondaryAccountsError(SecondaryAccountsErrorCode.FORM_INVALID, t('company:errors.formInvalid'), fields);
const quotaReached = (quota: number) =>
  new SecondaryAccountsError(
    SecondaryAccountsErrorCode.QUOTA_REACHED,
    quota === 0 ? t('company:errors.noMailboxQuota') : t('company:errors.quotaReached', { quota }),
  );
const notFound = () =>
  new SecondaryAccountsError(
    SecondaryAccountsErrorCode.COMPANY_ACCOUNT_NOT_FOUND,
    t('company:errors.secondaryNotFound'),
  );
