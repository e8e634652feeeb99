import type { Response } from 'express';
import type { FieldErrors } from '../../../platform/errors';
import { t } from '../../../platform/i18n/i18n';
import type { IdentityValues } from '../company-identity';
import { STATEMENTS_MAILBOXES, STREET_SUFFIXES, type CompanyAccount } from '../entities/company-account.entity';
import type { Teleprocedure } from '../entities/teleprocedure.entity';
import type { ServiceOptionsFormDto } from '../dto/secondary-forms.dto';
import type { ServiceOptions } from '../teleprocedures.service';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from '../secondary-accounts.errors';
import { choices, codes, summary } from './page-helpers';

const VIEWS = 'modules/secondary-accounts/views';

/** The company account a tab edits: the signed-in primary (`/compte/entreprise`) or one of its secondaries. */
export interface TabContext {
  company: CompanyAccount;
  isSecondary: boolean;
  tabBase: string;
}

export const primaryTabs = (company: CompanyAccount): TabContext => ({
  company,
  isSecondary: false,
  tabBase: '/compte/entreprise',
});

export const secondaryTabs = (company: CompanyAccount): TabContext => ({
  company,
  isSecondary: true,
  tabBase: `/compte/entreprise/comptes-secondaires/${company.id}`,
});

function common(ctx: TabContext, tab: string, errors: FieldErrors, notice?: string) {
  const account = ctx.isSecondary ? t('company:secondaryTitle', { login: ctx.company.login }) : t('company:title');
  return {
    title: t('company:pageTitle', { account, tab: t(`company:tabs.${tab}`) }),
    section: 'entreprise',
    company: summary(ctx.company),
    isSecondary: ctx.isSecondary,
    tabBase: ctx.tabBase,
    errors,
    errorCount: Object.keys(errors).length,
    notice,
  };
}

export function renderIdentity(
  res: Response,
  ctx: TabContext,
  values: IdentityValues,
  errors: FieldErrors,
  notice?: string,
  copied?: string,
): void {
  res.render(`${VIEWS}/company-account.njk`, {
    ...common(ctx, 'identite', errors, notice),
    values,
    copied,
    suffixes: STREET_SUFFIXES,
  });
}

/** What the « Options » tab shows: the services' switches, the téléprocédures, and the quota or the mailbox. */
export interface OptionsValues extends ServiceOptions {
  teleprocedures: string[];
  quota?: string;
  mailbox?: boolean;
  autonomous?: boolean;
}

export function optionsValues(company: CompanyAccount, teleprocedures: string[]): OptionsValues {
  return {
    quota: String(company.secondaryQuota),
    mailbox: company.hasMailbox,
    autonomous: company.autonomous,
    statementsSubscribed: company.statementsSubscribed,
    statementsAlert: company.statementsAlert,
    statementsMailbox: company.statementsMailbox,
    archivingSubscribed: company.archivingSubscribed,
    teleprocedures,
  };
}

/** The services' switches as sent (« Tout sélectionner »: every téléprocédure `offered`). */
export function sentOptions(form: ServiceOptionsFormDto, offered: Teleprocedure[]): OptionsValues {
  return {
    statementsSubscribed: form.statementsSubscribed === 'oui',
    statementsAlert: form.statementsAlert === 'oui',
    statementsMailbox: form.statementsMailbox ?? 'default',
    archivingSubscribed: form.archivingSubscribed === 'oui',
    teleprocedures: form.tout ? offered.map((t) => t.code) : codes(form.teleprocedures),
  };
}

export function renderOptions(
  res: Response,
  ctx: TabContext,
  values: OptionsValues,
  errors: FieldErrors,
  page: {
    /** The téléprocédures offered: the catalogue for a primary, the primary's for a secondary. */
    offered: Teleprocedure[];
    quota: number;
    mailboxesUsed: number;
    notice?: string;
    mailboxWarning?: boolean;
  },
): void {
  res.render(`${VIEWS}/options.njk`, {
    ...common(ctx, 'options', errors, page.notice),
    values,
    quota: page.quota,
    mailboxesUsed: page.mailboxesUsed,
    mailboxWarning: page.mailboxWarning,
    passwordResetRequired: ctx.company.passwordResetRequired,
    mailboxAddress: ctx.company.mailboxAddress,
    statementsMailboxes: choices('statementsMailboxes', Object.keys(STATEMENTS_MAILBOXES)),
    catalogue: page.offered.map((t) => ({ ...t, checked: values.teleprocedures.includes(t.code) })),
  });
}

export function renderPassword(res: Response, ctx: TabContext, errors: FieldErrors, notice?: string): void {
  res.render(`${VIEWS}/password.njk`, {
    ...common(ctx, 'mot-de-passe', errors, notice),
    passwordResetRequired: ctx.company.passwordResetRequired,
  });
}

/** Whether an error is the form's own (re-render with the messages), as opposed to anything else (rethrow). */
export function isFormInvalid(error: unknown): error is SecondaryAccountsError {
  return error instanceof SecondaryAccountsError && error.code === (SecondaryAccountsErrorCode.FORM_INVALID as string);
}
