import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentAccount, SignedIn } from '../../../../platform/http/access-policy';
import { AccountService, EMAIL_CHANGE_HOURS } from '../../account.service';
import { EmailChangeFormDto } from '../../dto/email-change-form.dto';
import type { Account } from '../../entities/account.entity';
import { INVALID_LINK_TEXT, INVALID_LINK_TITLE, isLinkToken } from '../link-token';
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
    renderAccountPage(res, 'email', 'Changer d’adresse électronique', { account, values: {}, errors: {} });
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
      renderAccountPage(res.status(200), 'message', 'Vérifiez votre nouvelle adresse', {
        alert: { type: 'success', text: `Un lien de confirmation vient d’être envoyé à ${newEmail}.` },
        paragraphs: [
          `Ouvrez-le dans les ${EMAIL_CHANGE_HOURS} heures : l’adresse de votre compte ne change qu’à ce moment-là.`,
          `Un message d’information a été envoyé à votre adresse actuelle, ${account.email}.`,
        ],
      });
    } catch (error) {
      if (!isFormError(error)) throw error;
      renderAccountPage(res.status(400), 'email', 'Erreur : changer d’adresse électronique', {
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
    renderMessagePage(res, 'Confirmer ma nouvelle adresse', {
      paragraphs: ['Confirmez que cette adresse devient celle de votre compte.'],
      form: { action: `/compte/adresse/${token}`, label: 'Confirmer ma nouvelle adresse' },
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
      return renderMessagePage(res.status(200), 'Adresse électronique modifiée', {
        alert: { type: 'success', text: 'Votre nouvelle adresse électronique est enregistrée.' },
        link: { href: '/compte', label: 'Mon compte' },
      });
    }
    this.invalidLink(res.status(400), result);
  }

  private invalidLink(res: Response, result: 'taken' | 'invalid'): void {
    renderMessagePage(res, INVALID_LINK_TITLE, {
      alert: {
        type: 'error',
        text:
          result === 'taken'
            ? 'Cette adresse est devenue celle d’un autre compte entre-temps : elle ne peut pas être enregistrée.'
            : INVALID_LINK_TEXT,
      },
      paragraphs: ['Vous pouvez refaire la demande depuis votre compte.'],
      link: { href: '/compte/adresse-electronique', label: 'Changer d’adresse électronique' },
    });
  }
}
