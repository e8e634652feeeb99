import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentAccount, SignedIn } from '../../../../platform/http/access-policy';
import { t } from '../../../../platform/i18n/i18n';
import type { Account } from '../../entities/account.entity';
import { OrganisationNumbersPort } from '../../organisation-numbers.port';
import { renderAccountPage } from './account-page';

/** « Mon compte › Vue d’ensemble ». */
@SignedIn()
@Controller('compte')
export class AccountHomeController {
  constructor(private readonly organisationNumbers: OrganisationNumbersPort) {}

  @Get()
  async home(@CurrentAccount() account: Account, @Res() res: Response): Promise<void> {
    // The SIREN/SIRET, read from the company accounts module that keeps them.
    const numbers = account.profile === 'citoyen' ? undefined : await this.organisationNumbers.of(account.id);
    renderAccountPage(res, 'home', t('account:home.title'), { account, numbers });
  }
}
