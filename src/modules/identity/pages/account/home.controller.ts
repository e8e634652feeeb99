import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentAccount, SignedIn } from '../../../../platform/http/access-policy';
import type { Account } from '../../entities/account.entity';
import { renderAccountPage } from './account-page';

/** « Mon compte › Vue d’ensemble ». */
@SignedIn()
@Controller('compte')
export class AccountHomeController {
  @Get()
  home(@CurrentAccount() account: Account, @Res() res: Response): void {
    renderAccountPage(res, 'home', 'Mon compte', { account });
  }
}
