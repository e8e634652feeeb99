import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  CurrentAccount,
  CurrentSession,
  SignedIn,
  type SignedInContext,
} from '../../../../platform/http/access-policy';
import { spaceCookie } from '../../../../platform/first-party-clients';
import { t } from '../../../../platform/i18n/i18n';
import { AccountService } from '../../account.service';
import { AccountDeletionFormDto } from '../../dto/account-deletion-form.dto';
import type { Account } from '../../entities/account.entity';
import { isFormError, renderAccountPage, renderMessagePage } from './account-page';

/** « Mon compte › Mes données »: download everything kept about oneself, or delete the account. */
@SignedIn()
@Controller('compte/donnees')
export class PersonalDataController {
  constructor(private readonly accounts: AccountService) {}

  @Get()
  page(@Res() res: Response): void {
    renderAccountPage(res, 'data', t('account:data.title'), { errors: {} });
  }

  @Get('export')
  async export(@CurrentAccount() account: Account, @Res() res: Response): Promise<void> {
    const data = await this.accounts.exportData(account.id);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="mes-donnees.json"');
    res.type('application/json').send(JSON.stringify(data, null, 2));
  }

  @Post('supprimer')
  async delete(
    @CurrentSession() me: SignedInContext,
    @Body() form: AccountDeletionFormDto,
    @Res() res: Response,
  ): Promise<void> {
    if (form.confirm !== 'oui') {
      return renderAccountPage(res.status(400), 'data', t('account:data.errorTitle'), {
        errors: { confirm: [t('account:data.confirmMissing')] },
      });
    }
    try {
      await this.accounts.deleteAccount(me.account.id, form.password ?? '');
    } catch (error) {
      if (!isFormError(error)) throw error;
      return renderAccountPage(res.status(400), 'data', t('account:data.errorTitle'), { errors: error.fields ?? {} });
    }
    const cookie = spaceCookie(me.space, me.space.sessionCookie);
    res.clearCookie(cookie.name, { path: cookie.path, secure: cookie.secure });
    renderMessagePage(res.status(200), t('account:data.deletedTitle'), {
      alert: { type: 'success', text: t('account:data.deletedText') },
      paragraphs: [t('account:data.deletedSessions')],
      link: { href: '/', label: t('account:data.home') },
    });
  }
}
