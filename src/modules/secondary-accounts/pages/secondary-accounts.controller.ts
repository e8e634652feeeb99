import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentAccount, Permission, type SignedInAccount } from '../../../platform/http/access-policy';
import { CompanyAccounts } from '../company-accounts.service';
import { NewSecondaryFormDto } from '../dto/secondary-forms.dto';
import type { CompanyAccount } from '../entities/company-account.entity';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from '../secondary-accounts.errors';
import { SecondaryAccounts } from '../secondary-accounts.service';
import { Teleprocedures } from '../teleprocedures.service';
import { codes, summary } from './page-helpers';
import { PrimaryCompanyAccount } from './primary-company-account.check';

const VIEWS = 'modules/secondary-accounts/views';

/** A primary's secondary accounts: create, deactivate (« la croix rouge »), reactivate. */
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

  private async primary(me: SignedInAccount): Promise<CompanyAccount> {
    // The permission check found it; gone since (deleted meanwhile): introuvable.
    const primary = await this.companies.primaryOfAccount(me.id);
    if (!primary)
      throw new SecondaryAccountsError(SecondaryAccountsErrorCode.COMPANY_ACCOUNT_NOT_FOUND, 'Compte introuvable.');
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
      title: 'Créer un compte secondaire',
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
