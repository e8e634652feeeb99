import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentAccount, SignedIn } from '../../../../platform/http/access-policy';
import { t } from '../../../../platform/i18n/i18n';
import { AccountService, EMAIL_CHANGE_HOURS } from '../../account.service';
import { EmailChangeFormDto } from '../../dto/email-change-form.dto';
import type { Account } from '../../entities/account.entity';
import { invalidLinkText, invalidLinkTitle, isLinkToken } from '../link-token';
import { isFormError, renderAccountPage, renderMessagePage } from './account-page';

/**
 * « Mon compte › Adresse électronique »: a change is requested here and confirmed by the link sent to the new address
 * (opened signed in: sign-in brings the person back to the link).
 */
@SignedIn()
@Controller('compte')
export class EmailController {
  constructor(private readonly accounts: AccountService) {}

  @Get('adresse-electronique')
  form(@CurrentAccount() account: Account, @Res() res: Response): void {
    renderAccountPage(res, 'email', t('account:email.title'), { account, values: {}, errors: {} });
  }

  @Post('adresse-electronique')
  async request(
    @CurrentAccount() account: Account,
    @Body() form: EmailChangeFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const email = form.email ?? '';
    try {
      const newEmail = await this.accounts.requestEmailChange(account.id, email, form.currentPassword ?? '');
      renderAccountPage(res.status(200), 'message', t('account:email.checkTitle'), {
        alert: { type: 'success', text: t('account:email.linkSent', { email: newEmail }) },
        paragraphs: [
          t('account:email.openWithin', { hours: EMAIL_CHANGE_HOURS }),
          t('account:email.oldWarned', { email: account.email }),
        ],
      });
    } catch (error) {
      if (!isFormError(error)) throw error;
      renderAccountPage(res.status(400), 'email', t('account:email.errorTitle'), {
        account,
        values: { email },
        errors: error.fields ?? {},
      });
    }
  }

  /** The link of the confirmation e-mail: confirmed by a button, so that a mail scanner does not use it. */
  @Get('adresse/:token')
  confirmPage(@Param('token') token: string, @Res() res: Response): void {
    if (!isLinkToken(token)) return this.invalidLink(res.status(400), 'invalid');
    renderMessagePage(res, t('account:email.confirmTitle'), {
      paragraphs: [t('account:email.confirmText')],
      form: { action: `/compte/adresse/${token}`, label: t('account:email.confirmTitle') },
    });
  }

  @Post('adresse/:token')
  async confirm(
    @Param('token') token: string,
    @CurrentAccount() account: Account,
    @Res() res: Response,
  ): Promise<void> {
    const result = isLinkToken(token) ? await this.accounts.confirmEmailChange(token, account.id) : 'invalid';
    if (result === 'changed') {
      return renderMessagePage(res.status(200), t('account:email.changedTitle'), {
        alert: { type: 'success', text: t('account:email.changedText') },
        link: { href: '/compte', label: t('account:email.myAccount') },
      });
    }
    this.invalidLink(res.status(400), result);
  }

  private invalidLink(res: Response, result: 'taken' | 'invalid'): void {
    renderMessagePage(res, invalidLinkTitle(), {
      alert: { type: 'error', text: result === 'taken' ? t('account:email.taken') : invalidLinkText() },
      paragraphs: [t('account:email.askAgain')],
      link: { href: '/compte/adresse-electronique', label: t('account:email.title') },
    });
  }
}
