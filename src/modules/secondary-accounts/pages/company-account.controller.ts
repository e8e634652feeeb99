import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { FieldErrors } from '../../../platform/errors';
import { t } from '../../../platform/i18n/i18n';
import {
  CurrentAccount,
  CurrentSession,
  Permission,
  type SignedInAccount,
  type SignedInContext,
} from '../../../platform/http/access-policy';
import { billingValues, BILLING_FIELDS, type BillingValues } from '../company-billing';
import { CompanyAccounts } from '../company-accounts.service';
import { copyResponsable, IDENTITY_FIELDS, identityValues, type IdentityValues } from '../company-identity';
import { IdentityFormDto } from '../dto/identity-form.dto';
import {
  BillingFormDto,
  CompanyPasswordFormDto,
  PrimaryOptionsFormDto,
  SecondarySearchDto,
} from '../dto/secondary-forms.dto';
import {
  COMPANY_STATUSES,
  STREET_SUFFIXES,
  type CompanyAccount,
  type CompanyStatus,
} from '../entities/company-account.entity';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from '../secondary-accounts.errors';
import { SecondaryAccounts } from '../secondary-accounts.service';
import { Teleprocedures } from '../teleprocedures.service';
import { choices, shortDate, summary } from './page-helpers';
import { PrimaryCompanyAccount } from './primary-company-account.check';
import {
  isFormInvalid,
  optionsValues,
  primaryTabs,
  renderIdentity,
  renderOptions,
  renderPassword,
  sentOptions,
  type OptionsValues,
} from './tab-views';

const VIEWS = 'modules/secondary-accounts/views';

/** « Gestion des Comptes »: the primary account's summary and its tabs (Identité, Options, Facturation, Mot de passe). */
@Permission(PrimaryCompanyAccount)
@Controller('compte/entreprise')
export class CompanyAccountController {
  constructor(
    private readonly companies: CompanyAccounts,
    private readonly secondaries: SecondaryAccounts,
    private readonly teleprocedures: Teleprocedures,
  ) {}

  /** The summary, the search and the list of secondary accounts. */
  @Get()
  async home(
    @CurrentAccount() me: SignedInAccount,
    @Query() query: SecondarySearchDto,
    @Res() res: Response,
  ): Promise<void> {
    const company = await this.primary(me);
    const search = { siret: query.siret, status: query.statut as CompanyStatus | undefined, name: query.nom };
    const secondaries = await this.secondaries.list(company, search);
    res.render(`${VIEWS}/home.njk`, {
      title: t('company:title'),
      section: 'entreprise',
      company: summary(company),
      search: query,
      statuses: choices('statuses', Object.keys(COMPANY_STATUSES)),
      secondaries: secondaries.map((s) => ({
        id: s.id,
        closed: s.status === 'closed',
        ...summary(s),
        hasMailbox: s.hasMailbox,
        passwordResetRequired: s.passwordResetRequired,
      })),
      quota: company.secondaryQuota,
      mailboxesUsed: await this.secondaries.mailboxesUsed(company),
      notice: query.cree
        ? t('company:home.created', { login: query.cree })
        : query.desactive
          ? t('company:home.deactivated', { login: query.desactive })
          : query.reactive
            ? t('company:home.reactivated', { login: query.reactive })
            : undefined,
    });
  }

  @Get('identite')
  async identity(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    const company = await this.primary(me);
    renderIdentity(res, primaryTabs(company), identityValues(company), {});
  }

  @Post('identite')
  @HttpCode(200)
  async save(@CurrentAccount() me: SignedInAccount, @Body() form: IdentityFormDto, @Res() res: Response) {
    const company = await this.primary(me);
    let values = {} as IdentityValues;
    for (const field of IDENTITY_FIELDS) values[field] = form[field] ?? '';
    // « Copier les informations du responsable »: the form comes back with the contact filled in, not yet saved.
    if (form.copier) {
      values = copyResponsable(values, form.copier === 'technique' ? 'technical' : 'administrative');
      return renderIdentity(res, primaryTabs(company), values, {}, undefined, form.copier);
    }
    try {
      const saved = await this.companies.updateIdentity(company.id, values, me.id);
      renderIdentity(res, primaryTabs(saved), identityValues(saved), {}, t('company:identity.savedPrimary'));
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      renderIdentity(res.status(400), primaryTabs(company), values, error.fields ?? {});
    }
  }

  @Get('options')
  async options(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    const company = await this.primary(me);
    await this.renderOptions(res, company, optionsValues(company, await this.teleprocedures.of(company.id)), {});
  }

  @Post('options')
  @HttpCode(200)
  async saveOptions(
    @CurrentAccount() me: SignedInAccount,
    @Body() form: PrimaryOptionsFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const company = await this.primary(me);
    const values = { ...sentOptions(form, await this.teleprocedures.list()), quota: form.quota ?? '' };
    try {
      await this.teleprocedures.savePrimaryOptions(
        company,
        { quota: values.quota, teleprocedures: values.teleprocedures, services: values },
        me.id,
      );
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      return this.renderOptions(res.status(400), company, values, error.fields ?? {});
    }
    const saved = await this.primary(me);
    await this.renderOptions(
      res,
      saved,
      optionsValues(saved, await this.teleprocedures.of(saved.id)),
      {},
      t('company:options.savedPrimary'),
    );
  }

  @Get('facturation')
  async billing(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    const company = await this.primary(me);
    this.renderBilling(res, company, billingValues(company), {});
  }

  @Post('facturation')
  @HttpCode(200)
  async saveBilling(
    @CurrentAccount() me: SignedInAccount,
    @Body() form: BillingFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const company = await this.primary(me);
    const values = { useResponsableAddress: form.useResponsableAddress === 'oui' } as BillingValues;
    for (const field of BILLING_FIELDS) values[field] = form[field] ?? '';
    try {
      const saved = await this.companies.updateBilling(company, values, me.id);
      this.renderBilling(res, saved, billingValues(saved), {}, t('company:billing.saved'));
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      this.renderBilling(res.status(400), company, values, error.fields ?? {});
    }
  }

  @Get('mot-de-passe')
  async password(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    renderPassword(res, primaryTabs(await this.primary(me)), {});
  }

  @Post('mot-de-passe')
  @HttpCode(200)
  async changePassword(
    @CurrentSession() session: SignedInContext,
    @Body() form: CompanyPasswordFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const company = await this.primary(session.account);
    try {
      await this.companies.changeOwnPassword(
        session.account.id,
        {
          currentPassword: form.currentPassword ?? '',
          password: form.password ?? '',
          passwordConfirmation: form.passwordConfirmation ?? '',
        },
        // This session stays open; every other one ends.
        { webToken: session.token, sid: session.session.oidcSid },
      );
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      return renderPassword(res.status(400), primaryTabs(company), error.fields ?? {});
    }
    renderPassword(res, primaryTabs(company), {}, t('company:password.changed'));
  }

  private async primary(me: SignedInAccount): Promise<CompanyAccount> {
    // The permission check found it; gone since (deleted meanwhile): introuvable.
    const primary = await this.companies.primaryOfAccount(me.id);
    if (!primary)
      throw new SecondaryAccountsError(
        SecondaryAccountsErrorCode.COMPANY_ACCOUNT_NOT_FOUND,
        t('company:errors.accountNotFound'),
      );
    return primary;
  }

  private async renderOptions(
    res: Response,
    company: CompanyAccount,
    values: OptionsValues,
    errors: FieldErrors,
    notice?: string,
  ): Promise<void> {
    renderOptions(res, primaryTabs(company), values, errors, {
      offered: await this.teleprocedures.list(),
      quota: company.secondaryQuota,
      mailboxesUsed: await this.secondaries.mailboxesUsed(company),
      notice,
    });
  }

  private renderBilling(
    res: Response,
    company: CompanyAccount,
    values: BillingValues,
    errors: object,
    notice?: string,
  ): void {
    const ctx = primaryTabs(company);
    const street = [company.streetNumber, company.streetSuffix, company.streetName].filter(Boolean).join(' ');
    res.render(`${VIEWS}/billing.njk`, {
      title: t('company:pageTitle', { account: t('company:title'), tab: t('company:tabs.facturation') }),
      section: 'entreprise',
      company: summary(company),
      isSecondary: false,
      tabBase: ctx.tabBase,
      values,
      errors,
      errorCount: Object.keys(errors).length,
      notice,
      suffixes: STREET_SUFFIXES,
      billingDate: company.billingDate ? shortDate(new Date(`${company.billingDate}T12:00:00Z`)) : null,
      responsableAddress: [street, company.addressComplement, company.poBox, company.postalCode, company.city]
        .filter(Boolean)
        .join(', '),
    });
  }
}
