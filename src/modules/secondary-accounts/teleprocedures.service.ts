import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { AuditService } from '../../platform/audit';
import type { FieldErrors } from '../../platform/errors';
import { t } from '../../platform/i18n/i18n';
import { CompanyAccount, STATEMENTS_MAILBOXES, type StatementsMailbox } from './entities/company-account.entity';
import { CompanyTeleprocedure, Teleprocedure } from './entities/teleprocedure.entity';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from './secondary-accounts.errors';

export interface NewTeleprocedure {
  code: string;
  description: string;
  recipients?: string[];
  documentTypes?: string[];
}

/** « Relevés de Comptes » and « Archivage à valeur probatoire », on the « Options » tab of any company account. */
export interface ServiceOptions {
  statementsSubscribed: boolean;
  statementsAlert: boolean;
  /** `default` or `dedicated`, as sent. */
  statementsMailbox: string;
  archivingSubscribed: boolean;
}

/** What the « Options » tab of a primary account sends. */
export interface PrimaryOptions {
  /** « Nombre de comptes secondaires souhaités », as typed. */
  quota: string;
  teleprocedures: string[];
  services?: ServiceOptions;
}

/**
 * Reads the services' switches: the collection-error alert and the receiving mailbox only mean something with the
 * subscription to the statements' collection.
 */
export function readServices(options: ServiceOptions, errors: FieldErrors): Partial<CompanyAccount> {
  if (!(options.statementsMailbox in STATEMENTS_MAILBOXES))
    errors.statementsMailbox = [t('company:errors.statementsMailbox')];
  return {
    statementsSubscribed: options.statementsSubscribed,
    statementsAlert: options.statementsSubscribed && options.statementsAlert,
    statementsMailbox: (options.statementsMailbox in STATEMENTS_MAILBOXES
      ? options.statementsMailbox
      : 'default') as StatementsMailbox,
    archivingSubscribed: options.archivingSubscribed,
  };
}

const CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;

/**
 * The téléprocédures catalogue and company accounts' subscriptions. A secondary account never holds a téléprocédure
 * its primary does not: checked on every write, and a téléprocédure the primary gives up is removed from its secondary
 * accounts in the same transaction.
 */
@Injectable()
export class Teleprocedures {
  constructor(
    @InjectRepository(Teleprocedure) private readonly catalogue: Repository<Teleprocedure>,
    @InjectRepository(CompanyTeleprocedure) private readonly subscriptions: Repository<CompanyTeleprocedure>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Adds a téléprocédure to the catalogue, or updates its description, recipients and document types. */
  async add(input: NewTeleprocedure): Promise<Teleprocedure> {
    const code = input.code.trim().toUpperCase();
    if (!CODE.test(code))
      throw formInvalid({ code: ['Le code compte 1 à 32 caractères : lettres majuscules, chiffres, tiret (DADS-U).'] });
    const description = input.description.trim();
    if (!description || description.length > 300)
      throw formInvalid({ description: ['Saisissez la description (300 caractères au plus).'] });
    const clean = (values: string[] = []) => values.map((v) => v.trim()).filter(Boolean);
    await this.catalogue.upsert(
      { code, description, recipients: clean(input.recipients), documentTypes: clean(input.documentTypes) },
      ['code'],
    );
    return (await this.catalogue.findOneBy({ code }))!;
  }

  async list(): Promise<Teleprocedure[]> {
    return this.catalogue.find({ order: { code: 'ASC' } });
  }

  /** The codes a company account subscribes to. */
  async of(companyId: string): Promise<string[]> {
    const rows = await this.subscriptions.find({
      where: { companyAccountId: companyId },
      order: { teleprocedureCode: 'ASC' },
    });
    return rows.map((r) => r.teleprocedureCode);
  }

  /**
   * Saves a primary's « Options »: the quota (a whole number, never below the secondary accounts with a mailbox it
   * already has) and its téléprocédures (from the catalogue); what it gives up is removed from its secondary accounts.
   */
  async savePrimaryOptions(primary: CompanyAccount, options: PrimaryOptions, by: string): Promise<void> {
    const errors: FieldErrors = {};
    const quotaText = options.quota.trim();
    const quota = Number(quotaText);
    if (!/^\d{1,4}$/.test(quotaText)) errors.quota = [t('company:errors.quota')];
    const codes = await this.known(options.teleprocedures, errors);
    const services = options.services ? readServices(options.services, errors) : {};
    if (Object.keys(errors).length > 0) throw formInvalid(errors);
    await this.dataSource.transaction(async (manager) => {
      const companies = manager.getRepository(CompanyAccount);
      await companies.findOne({ where: { id: primary.id }, lock: { mode: 'pessimistic_write' } });
      const used = await companies.countBy({ primaryId: primary.id, hasMailbox: true });
      if (quota < used)
        throw formInvalid({
          quota: [t('company:errors.quotaBelowUsed', { used })],
        });
      await companies.update({ id: primary.id }, { secondaryQuota: quota, ...services });
      await this.replace(manager, primary.id, codes);
      // A secondary account never holds more than its primary.
      const secondaries = (await companies.findBy({ primaryId: primary.id })).map((s) => s.id);
      if (secondaries.length > 0) {
        const query = manager
          .createQueryBuilder()
          .delete()
          .from(CompanyTeleprocedure)
          .where('company_account_id IN (:...secondaries)', { secondaries });
        if (codes.length > 0) query.andWhere('teleprocedure_code NOT IN (:...codes)', { codes });
        await query.execute();
      }
      await this.audit.record(
        {
          actor: { type: 'account', id: by },
          action: 'secondary-accounts.options.updated',
          target: { type: 'company_account', id: primary.id },
          outcome: 'success',
          details: { quota, teleprocedures: codes, ...services },
        },
        manager,
      );
    });
  }

  /**
   * Sets a secondary account's téléprocédures: only codes its primary holds (a forged one is refused, nothing saved).
   * Called by the secondary's creation, in its transaction.
   */
  async setForSecondary(manager: EntityManager, primaryId: string, secondaryId: string, wanted: string[]) {
    const allowed = new Set(
      (await manager.getRepository(CompanyTeleprocedure).findBy({ companyAccountId: primaryId })).map(
        (r) => r.teleprocedureCode,
      ),
    );
    const codes = [...new Set(wanted)];
    const beyond = codes.filter((c) => !allowed.has(c));
    if (beyond.length > 0)
      throw formInvalid({
        teleprocedures: [t('company:errors.beyondPrimary', { codes: beyond.join(', ') })],
      });
    await this.replace(manager, secondaryId, codes);
  }

  /** Checks the codes against the catalogue (unknown ones are a field error). */
  async known(wanted: string[], errors: FieldErrors): Promise<string[]> {
    const codes = [...new Set(wanted)];
    const found = codes.length ? (await this.catalogue.findBy({ code: In(codes) })).map((t) => t.code) : [];
    const unknown = codes.filter((c) => !found.includes(c));
    if (unknown.length > 0)
      errors.teleprocedures = [t('company:errors.unknownTeleprocedure', { codes: unknown.join(', ') })];
    return found;
  }

  private async replace(manager: EntityManager, companyId: string, codes: string[]) {
    const repository = manager.getRepository(CompanyTeleprocedure);
    await repository.delete({ companyAccountId: companyId });
    if (codes.length > 0)
      await repository.insert(codes.map((teleprocedureCode) => ({ companyAccountId: companyId, teleprocedureCode })));
  }
}

const formInvalid = (fields: FieldErrors) =>
  new SecondaryAccountsError(SecondaryAccountsErrorCode.FORM_INVALID, t('company:errors.formInvalid'), fields);
