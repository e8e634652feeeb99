import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { FieldErrors } from '../../../platform/errors';
import { t } from '../../../platform/i18n/i18n';
import { CurrentAccount, Permission, type SignedInAccount } from '../../../platform/http/access-policy';
import { CompanyAccounts } from '../company-accounts.service';
import { copyResponsable, IDENTITY_FIELDS, identityValues, type IdentityValues } from '../company-identity';
import { IdentityFormDto } from '../dto/identity-form.dto';
import { CompanyPasswordFormDto, NewSecondaryFormDto, SecondaryOptionsFormDto } from '../dto/secondary-forms.dto';
import type { CompanyAccount } from '../entities/company-account.entity';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from '../secondary-accounts.errors';
import { SecondaryAccounts } from '../secondary-accounts.service';
import { Teleprocedures } from '../teleprocedures.service';
import { codes, summary } from './page-helpers';
import { PrimaryCompanyAccount } from './primary-company-account.check';
import {
  isFormInvalid,
  optionsValues,
  renderIdentity,
  renderOptions,
  renderPassword,
  secondaryTabs,
  sentOptions,
  type OptionsValues,
} from './tab-views';

const VIEWS = 'modules/secondary-accounts/views';

/**
 * A primary's secondary accounts: create, modify (the tabs Identité, Options, Mot de passe: no « Facturation », no
 * quota), deactivate (« la croix rouge »), reactivate. Every id is looked up among the signed-in primary's own.
 */
@Permission(PrimaryCompanyAccount)
@Controller('compte/entreprise/comptes-secondaires')
export class SecondaryAccountsController {
  constructor(
    private readonly companies: CompanyAccounts,
    private readonly secondaries: SecondaryAccounts,
    private readonly teleprocedures: Teleprocedures,
  ) {}

  @Get('nouveau')
  async form(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    await this.render(res, await this.primary(me), { teleprocedures: [] }, {});
  }

  @Post('nouveau')
  @HttpCode(200)
  async create(
    @CurrentAccount() me: SignedInAccount,
    @Body() form: NewSecondaryFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const primary = await this.primary(me);
    const values = {
      name: form.name ?? '',
      autonomous: form.autonomous === 'oui',
      mailbox: form.mailbox === 'oui',
      teleprocedures: codes(form.teleprocedures),
    };
    try {
      const created = await this.secondaries.create(
        primary,
        { ...values, password: form.password ?? '', passwordConfirmation: form.passwordConfirmation ?? '' },
        me.id,
      );
      res.redirect(303, `/compte/entreprise?cree=${encodeURIComponent(created.login)}`);
    } catch (error) {
      if (!(error instanceof SecondaryAccountsError)) throw error;
      if (error.code === (SecondaryAccountsErrorCode.FORM_INVALID as string))
        return this.render(res.status(400), primary, values, error.fields ?? {});
      if (error.code === (SecondaryAccountsErrorCode.QUOTA_REACHED as string))
        return this.render(res.status(409), primary, values, {}, error.message);
      throw error;
    }
  }

  @Post(':id/desactiver')
  async deactivate(
    @CurrentAccount() me: SignedInAccount,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const done = await this.secondaries.deactivate(await this.primary(me), id, me.id);
    res.redirect(303, `/compte/entreprise?desactive=${encodeURIComponent(done.login)}`);
  }

  @Post(':id/reactiver')
  async reactivate(
    @CurrentAccount() me: SignedInAccount,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const done = await this.secondaries.reactivate(await this.primary(me), id, me.id);
    res.redirect(303, `/compte/entreprise?reactive=${encodeURIComponent(done.login)}`);
  }

  /** « Modifier » (the pencil of the list): the secondary account's tabs, « Identité » first. */
  @Get(':id')
  async edit(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    res.redirect(303, `/compte/entreprise/comptes-secondaires/${id}/identite`);
  }

  @Get(':id/identite')
  async identity(
    @CurrentAccount() me: SignedInAccount,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const secondary = await this.secondaries.get(await this.primary(me), id);
    renderIdentity(res, secondaryTabs(secondary), identityValues(secondary), {});
  }

  @Post(':id/identite')
  @HttpCode(200)
  async saveIdentity(
    @CurrentAccount() me: SignedInAccount,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() form: IdentityFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const primary = await this.primary(me);
    const secondary = await this.secondaries.get(primary, id);
    let values = {} as IdentityValues;
    for (const field of IDENTITY_FIELDS) values[field] = form[field] ?? '';
    if (form.copier) {
      values = copyResponsable(values, form.copier === 'technique' ? 'technical' : 'administrative');
      return renderIdentity(res, secondaryTabs(secondary), values, {}, undefined, form.copier);
    }
    try {
      const saved = await this.secondaries.updateIdentity(primary, id, values, me.id);
      renderIdentity(
        res,
        secondaryTabs(saved),
        identityValues(saved),
        {},
        t('company:identity.savedSecondary', { login: saved.login }),
      );
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      renderIdentity(res.status(400), secondaryTabs(secondary), values, error.fields ?? {});
    }
  }

  @Get(':id/options')
  async options(
    @CurrentAccount() me: SignedInAccount,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const primary = await this.primary(me);
    const secondary = await this.secondaries.get(primary, id);
    await this.renderOptions(
      res,
      primary,
      secondary,
      optionsValues(secondary, await this.teleprocedures.of(secondary.id)),
      {},
    );
  }

  @Post(':id/options')
  @HttpCode(200)
  async saveOptions(
    @CurrentAccount() me: SignedInAccount,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() form: SecondaryOptionsFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const primary = await this.primary(me);
    const secondary = await this.secondaries.get(primary, id);
    const values = {
      ...sentOptions(form, await this.offered(primary)),
      mailbox: form.mailbox === 'oui',
      autonomous: form.autonomous === 'oui',
    };
    try {
      const { secondary: saved, mailboxSwitchedOn } = await this.secondaries.updateOptions(
        primary,
        id,
        { ...values, services: values },
        me.id,
      );
      await this.renderOptions(
        res,
        primary,
        saved,
        optionsValues(saved, await this.teleprocedures.of(saved.id)),
        {},
        t('company:options.savedSecondary', { login: saved.login }),
        mailboxSwitchedOn,
      );
    } catch (error) {
      if (!(error instanceof SecondaryAccountsError)) throw error;
      if (error.code === (SecondaryAccountsErrorCode.QUOTA_REACHED as string))
        return this.renderOptions(res.status(409), primary, secondary, values, { mailbox: [error.message] });
      if (!isFormInvalid(error)) throw error;
      await this.renderOptions(res.status(400), primary, secondary, values, error.fields ?? {});
    }
  }

  @Get(':id/mot-de-passe')
  async password(
    @CurrentAccount() me: SignedInAccount,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    renderPassword(res, secondaryTabs(await this.secondaries.get(await this.primary(me), id)), {});
  }

  @Post(':id/mot-de-passe')
  @HttpCode(200)
  async resetPassword(
    @CurrentAccount() me: SignedInAccount,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() form: CompanyPasswordFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const primary = await this.primary(me);
    const secondary = await this.secondaries.get(primary, id);
    try {
      const saved = await this.secondaries.resetPassword(
        primary,
        id,
        { password: form.password ?? '', passwordConfirmation: form.passwordConfirmation ?? '' },
        me.id,
      );
      renderPassword(res, secondaryTabs(saved), {}, t('company:password.reset', { login: saved.login }));
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      renderPassword(res.status(400), secondaryTabs(secondary), error.fields ?? {});
    }
  }

  /** The téléprocédures a secondary may hold: its primary's. */
  private async offered(primary: CompanyAccount) {
    const held = new Set(await this.teleprocedures.of(primary.id));
    return (await this.teleprocedures.list()).filter((t) => held.has(t.code));
  }

  private async renderOptions(
    res: Response,
    primary: CompanyAccount,
    secondary: CompanyAccount,
    values: OptionsValues,
    errors: FieldErrors,
    notice?: string,
    mailboxWarning?: boolean,
  ): Promise<void> {
    renderOptions(res, secondaryTabs(secondary), values, errors, {
      offered: await this.offered(primary),
      quota: primary.secondaryQuota,
      mailboxesUsed: await this.secondaries.mailboxesUsed(primary),
      notice,
      mailboxWarning,
    });
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

  private async render(
    res: Response,
    primary: CompanyAccount,
    values: { teleprocedures: string[] },
    errors: object,
    refusal?: string,
  ): Promise<void> {
    const held = new Set(await this.teleprocedures.of(primary.id));
    res.render(`${VIEWS}/new-secondary.njk`, {
      title: t('company:newSecondary.title'),
      section: 'entreprise',
      company: summary(primary),
      values,
      errors,
      errorCount: Object.keys(errors).length,
      refusal,
      quota: primary.secondaryQuota,
      mailboxesUsed: await this.secondaries.mailboxesUsed(primary),
      // Only the primary's téléprocédures are offered: a secondary account never holds more.
      catalogue: (await this.teleprocedures.list())
        .filter((t) => held.has(t.code))
        .map((t) => ({ ...t, checked: values.teleprocedures.includes(t.code) })),
    });
  }
}
