import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentAccount, Permission, type SignedInAccount } from '../../../platform/http/access-policy';
import { CompanyAccounts } from '../company-accounts.service';
import { PrimaryCompanyAccount } from './primary-company-account.check';
import { copyResponsable, IDENTITY_FIELDS, identityValues, type IdentityValues } from '../company-identity';
import { IdentityFormDto } from '../dto/identity-form.dto';
import { PrimaryOptionsFormDto, SecondarySearchDto } from '../dto/secondary-forms.dto';
import { Teleprocedures } from '../teleprocedures.service';
import { codes, summary } from './page-helpers';
import { SecondaryAccounts } from '../secondary-accounts.service';
import {
  COMPANY_STATUSES,
  STREET_SUFFIXES,
  type CompanyAccount,
  type CompanyStatus,
} from '../entities/company-account.entity';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from '../secondary-accounts.errors';

const VIEWS = 'modules/secondary-accounts/views';

/** « Gestion des Comptes »: the primary account's summary and its « Identité » tab. */
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
    const company = (await this.companies.primaryOfAccount(me.id))!;
    const search = { siret: query.siret, status: query.statut as CompanyStatus | undefined, name: query.nom };
    const secondaries = await this.secondaries.list(company, search);
    res.render(`${VIEWS}/home.njk`, {
      title: 'Gestion des Comptes',
      section: 'entreprise',
      company: summary(company),
      search: query,
      statuses: Object.entries(COMPANY_STATUSES).map(([value, label]) => ({ value, label })),
      secondaries: secondaries.map((s) => ({
        id: s.id,
        closed: s.status === 'closed',
        ...summary(s),
        hasMailbox: s.hasMailbox,
      })),
      quota: company.secondaryQuota,
      mailboxesUsed: await this.secondaries.mailboxesUsed(company),
      notice: query.cree
        ? `Le compte secondaire ${query.cree} a été créé.`
        : query.desactive
          ? `Le compte secondaire ${query.desactive} a été désactivé : ses sessions ont été fermées.`
          : query.reactive
            ? `Le compte secondaire ${query.reactive} a été réactivé.`
            : undefined,
    });
  }

  @Get('identite')
  async identity(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    const company = (await this.companies.primaryOfAccount(me.id))!;
    this.render(res, company, identityValues(company), {});
  }

  @Get('options')
  async options(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    const company = (await this.companies.primaryOfAccount(me.id))!;
    await this.renderOptions(
      res,
      company,
      { quota: String(company.secondaryQuota), teleprocedures: await this.teleprocedures.of(company.id) },
      {},
    );
  }

  @Post('options')
  @HttpCode(200)
  async saveOptions(
    @CurrentAccount() me: SignedInAccount,
    @Body() form: PrimaryOptionsFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const company = (await this.companies.primaryOfAccount(me.id))!;
    const values = {
      quota: form.quota ?? '',
      teleprocedures: form.tout ? (await this.teleprocedures.list()).map((t) => t.code) : codes(form.teleprocedures),
    };
    try {
      await this.teleprocedures.savePrimaryOptions(company, values, me.id);
    } catch (error) {
      if (
        !(error instanceof SecondaryAccountsError) ||
        error.code !== (SecondaryAccountsErrorCode.FORM_INVALID as string)
      )
        throw error;
      return this.renderOptions(res.status(400), company, values, error.fields ?? {});
    }
    const saved = (await this.companies.primaryOfAccount(me.id))!;
    await this.renderOptions(
      res,
      saved,
      { quota: String(saved.secondaryQuota), teleprocedures: await this.teleprocedures.of(saved.id) },
      {},
      'Les options de votre compte ont été enregistrées.',
    );
  }

  private async renderOptions(
    res: Response,
    company: CompanyAccount,
    values: { quota: string; teleprocedures: string[] },
    errors: object,
    notice?: string,
  ): Promise<void> {
    res.render(`${VIEWS}/options.njk`, {
      title: 'Gestion des Comptes — Options',
      section: 'entreprise',
      company: summary(company),
      values,
      errors,
      errorCount: Object.keys(errors).length,
      notice,
      catalogue: (await this.teleprocedures.list()).map((t) => ({
        ...t,
        checked: values.teleprocedures.includes(t.code),
      })),
    });
  }

  @Post('identite')
  @HttpCode(200)
  async save(@CurrentAccount() me: SignedInAccount, @Body() form: IdentityFormDto, @Res() res: Response) {
    const company = (await this.companies.primaryOfAccount(me.id))!;
    let values = {} as IdentityValues;
    for (const field of IDENTITY_FIELDS) values[field] = form[field] ?? '';
    // « Copier les informations du responsable »: the form comes back with the contact filled in, not yet saved.
    if (form.copier) {
      values = copyResponsable(values, form.copier === 'technique' ? 'technical' : 'administrative');
      return this.render(res, company, values, {}, undefined, form.copier);
    }
    try {
      const saved = await this.companies.updateIdentity(company.id, values, me.id);
      this.render(res, saved, identityValues(saved), {}, 'Les informations de votre compte ont été enregistrées.');
    } catch (error) {
      if (
        !(error instanceof SecondaryAccountsError) ||
        error.code !== (SecondaryAccountsErrorCode.FORM_INVALID as string)
      )
        throw error;
      this.render(res.status(400), company, values, error.fields ?? {});
    }
  }

  private render(
    res: Response,
    company: CompanyAccount,
    values: IdentityValues,
    errors: object,
    notice?: string,
    copied?: string,
  ): void {
    res.render(`${VIEWS}/company-account.njk`, {
      title: 'Gestion des Comptes',
      section: 'entreprise',
      company: summary(company),
      values,
      errors,
      errorCount: Object.keys(errors).length,
      notice,
      copied,
      suffixes: STREET_SUFFIXES,
    });
  }
}
