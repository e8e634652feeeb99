import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { InvitationFormDto } from '../dto/recovery-forms.dto';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { InvitationService } from '../invitation.service';
import { LEGAL_VERSIONS } from '../legal';
import { invalidLinkText, invalidLinkTitle, isLinkToken } from './link-token';

/** The recovery's new-password page, worded for an invited person choosing their first password. */
const PAGE = 'modules/identity/views/recovery/new-password.njk';
const MESSAGE = 'platform/views/message.njk';

/** `/invitation/<token>`: the invited person chooses their password, which activates the account. */
@Controller('invitation')
export class InvitationController {
  constructor(private readonly invitations: InvitationService) {}

  @Public()
  @Get(':token')
  async page(@Param('token') token: string, @Res() res: Response): Promise<void> {
    if (!isLinkToken(token) || !(await this.invitations.linkIsValid(token))) return this.invalidLink(res.status(400));
    this.render(res, token, {});
  }

  @Public()
  @Post(':token')
  async accept(@Param('token') token: string, @Body() form: InvitationFormDto, @Res() res: Response) {
    if (!isLinkToken(token)) return this.invalidLink(res.status(400));
    const input = {
      password: form.password ?? '',
      passwordConfirmation: form.passwordConfirmation ?? '',
      acceptTerms: form.acceptTerms === 'oui',
      acceptPrivacy: form.acceptPrivacy === 'oui',
    };
    try {
      if ((await this.invitations.accept(token, input)) === 'invalid') return this.invalidLink(res.status(400));
    } catch (error) {
      if (error instanceof IdentityError && error.code === (IdentityErrorCode.FORM_INVALID as string))
        return this.render(res.status(400), token, error.fields ?? {}, input);
      throw error;
    }
    res.status(200).render(MESSAGE, {
      title: t('account:invitation.activatedTitle'),
      alert: { type: 'success', text: t('account:invitation.activatedText') },
      link: { href: '/compte', label: t('account:invitation.signIn') },
    });
  }

  private render(
    res: Response,
    token: string,
    errors: Record<string, string[]>,
    values: { acceptTerms?: boolean; acceptPrivacy?: boolean } = {},
  ): void {
    res.render(PAGE, {
      token,
      errors,
      values: { acceptTerms: values.acceptTerms, acceptPrivacy: values.acceptPrivacy },
      legal: LEGAL_VERSIONS,
      action: `/invitation/${token}`,
      heading: t('account:invitation.heading'),
      intro: t('account:invitation.intro'),
    });
  }

  private invalidLink(res: Response): void {
    res.render(MESSAGE, {
      title: invalidLinkTitle(),
      alert: { type: 'error', text: invalidLinkText() },
      paragraphs: [t('account:invitation.askAgain')],
    });
  }
}
