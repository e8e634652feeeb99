import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  CurrentAccount,
  CurrentSession,
  SignedIn,
  type SignedInContext,
} from '../../../../platform/http/access-policy';
import { t } from '../../../../platform/i18n/i18n';
import { AccountService } from '../../account.service';
import { PasswordChangeFormDto } from '../../dto/password-change-form.dto';
import type { Account } from '../../entities/account.entity';
import { isFormError, renderAccountPage } from './account-page';

/** « Mon compte › Mot de passe »: change it (or set a first one after a FranceConnect sign-up). */
@SignedIn()
@Controller('compte')
export class PasswordController {
  constructor(private readonly accounts: AccountService) {}

  @Get('mot-de-passe')
  form(@CurrentAccount() account: Account, @Res() res: Response): void {
    renderAccountPage(res, 'password', t('account:password.title'), {
      errors: {},
      personal: personal(account),
      hasPassword: Boolean(account.passwordHash),
    });
  }

  @Post('mot-de-passe')
  async change(
    @CurrentAccount() account: Account,
    @CurrentSession() me: SignedInContext,
    @Body() form: PasswordChangeFormDto,
    @Res() res: Response,
  ): Promise<void> {
    try {
      await this.accounts.changePassword(
        account.id,
        {
          currentPassword: form.currentPassword ?? '',
          password: form.password ?? '',
          passwordConfirmation: form.passwordConfirmation ?? '',
        },
        // The session this change is made in stays open; every other one ends.
        { keepWebToken: me.token, keepSid: me.session.oidcSid, via: 'account' },
      );
    } catch (error) {
      if (!isFormError(error)) throw error;
      return renderAccountPage(res.status(400), 'password', t('account:password.errorTitle'), {
        errors: error.fields ?? {},
        personal: personal(account),
        hasPassword: Boolean(account.passwordHash),
      });
    }
    renderAccountPage(res.status(200), 'message', t('account:password.changedTitle'), {
      alert: { type: 'success', text: t('account:password.changedText') },
      paragraphs: [t('account:password.sessionsClosed'), t('account:password.mailSent')],
    });
  }
}

/** What the strength meter checks the new password against. */
function personal(account: Account): string[] {
  return [account.givenName, account.familyName, account.usageName, account.email, account.identifier].filter(
    (v): v is string => Boolean(v),
  );
}
