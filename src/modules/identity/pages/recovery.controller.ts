import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config';
import type { Request, Response } from 'express';
import { Public } from '../../../platform/http/access-policy';
import { noSoonerThan } from '../../../platform/http/minimum-duration';
import {
  IdentifierReminderFormDto,
  NewPasswordFormDto,
  ResetCodeFormDto,
  ResetRequestFormDto,
} from '../dto/recovery-forms.dto';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { RESET_LINK_MINUTES, RecoveryService } from '../recovery.service';
import { DEVICE_COOKIE, SignInThrottle } from '../sign-in.throttle';
import { codeFailure } from './code-messages';
import { invalidLinkText, invalidLinkTitle, isLinkToken } from './link-token';
import { rememberSignInReturn, signInReturn } from './sign-in-return';

import { t } from '../../../platform/i18n/i18n';

const VIEWS = 'modules/identity/views/recovery';
/** Both paths (account or not) take a few milliseconds; the answer waits this long whichever was taken. */
const ANSWER_FLOOR_MS = 150;
const MESSAGE = 'platform/views/message.njk';

/** « Mot de passe ou identifiant oublié ? ». Every answer is the same whether an account matched or not. */
@Controller()
export class RecoveryController {
  private readonly secureCookies: boolean;

  constructor(
    private readonly recovery: RecoveryService,
    private readonly throttle: SignInThrottle,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secureCookies = config.publicUrl.startsWith('https:');
  }

  @Public()
  @Get('mot-de-passe-oublie')
  request(@Req() req: Request, @Res() res: Response): void {
    rememberSignInReturn(req, res, this.secureCookies);
    this.renderRequest(res, {}, {});
  }

  @Public()
  @Post('mot-de-passe-oublie')
  async sendReset(@Body() form: ResetRequestFormDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const login = form.login?.trim() ?? '';
    const channel = form.channel ?? 'email';
    if (!login) {
      return this.renderRequest(
        res.status(400),
        { login, channel },
        {
          login: [t('recovery:messages.loginMissing')],
        },
      );
    }
    const started = performance.now();
    const outcome = await this.recovery.requestReset(login, channel);
    await noSoonerThan(started, ANSWER_FLOOR_MS);
    if (outcome.channel === 'sms') return res.redirect(303, `/mot-de-passe-oublie/code/${outcome.ticket}`);
    res.status(200).render(MESSAGE, {
      title: t('recovery:messages.checkMailbox'),
      alert: { type: 'info', text: t('recovery:messages.resetSent', { login }) },
      paragraphs: [t('recovery:messages.resetValidity', { minutes: RESET_LINK_MINUTES })],
      link: { href: signInReturn(req), label: t('recovery:request.back') },
    });
  }

  @Public()
  @Get('mot-de-passe-oublie/code/:ticket')
  codePage(@Param('ticket', ParseUUIDPipe) ticket: string, @Res() res: Response): void {
    res.render(`${VIEWS}/code.njk`, { ticket });
  }

  @Public()
  @Post('mot-de-passe-oublie/code/:ticket')
  async checkCode(
    @Param('ticket', ParseUUIDPipe) ticket: string,
    @Body() form: ResetCodeFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const code = (form.code ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      return res.status(400).render(`${VIEWS}/code.njk`, { ticket, error: t('recovery:messages.codeDigits') });
    }
    const result = await this.recovery.checkCode(ticket, code);
    if (result.status === 'valid') return res.redirect(303, `/mot-de-passe-oublie/nouveau/${result.token}`);
    res.status(400).render(`${VIEWS}/code.njk`, {
      ticket,
      ...codeFailure(result, 'Refaites une demande.'),
    });
  }

  @Public()
  @Get('mot-de-passe-oublie/nouveau/:token')
  async newPasswordPage(@Param('token') token: string, @Res() res: Response): Promise<void> {
    if (!isLinkToken(token) || !(await this.recovery.linkIsValid(token))) return this.invalidLink(res.status(400));
    res.render(`${VIEWS}/new-password.njk`, { token, errors: {} });
  }

  @Public()
  @Post('mot-de-passe-oublie/nouveau/:token')
  async setPassword(
    @Param('token') token: string,
    @Body() form: NewPasswordFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!isLinkToken(token)) return this.invalidLink(res.status(400));
    const password = form.password ?? '';
    const confirmation = form.passwordConfirmation ?? '';
    try {
      const outcome = await this.recovery.resetPassword(token, password, confirmation);
      if (outcome.status === 'invalid') return this.invalidLink(res.status(400));
      // The mailbox or the phone proved the owner: this browser is now a known device (strangers cannot lock it out).
      res.cookie(DEVICE_COOKIE, outcome.device, this.throttle.deviceCookieOptions(this.secureCookies));
    } catch (error) {
      if (error instanceof IdentityError && error.code === (IdentityErrorCode.FORM_INVALID as string)) {
        return res.status(400).render(`${VIEWS}/new-password.njk`, { token, errors: error.fields ?? {} });
      }
      throw error;
    }
    res.status(200).render(MESSAGE, {
      title: t('recovery:messages.changedTitle'),
      alert: { type: 'success', text: t('recovery:messages.changedText') },
      paragraphs: [t('recovery:messages.sessionsClosed')],
      link: { href: signInReturn(req), label: t('recovery:messages.signIn') },
    });
  }

  @Public()
  @Get('identifiant-oublie')
  identifierPage(@Req() req: Request, @Res() res: Response): void {
    rememberSignInReturn(req, res, this.secureCookies);
    res.render(`${VIEWS}/identifier.njk`, { values: {}, errors: {} });
  }

  @Public()
  @Post('identifiant-oublie')
  async remind(@Body() form: IdentifierReminderFormDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const email = form.email?.trim() ?? '';
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      return res.status(400).render(`${VIEWS}/identifier.njk`, {
        values: { email },
        errors: { email: [t('recovery:messages.emailInvalid')] },
      });
    }
    const started = performance.now();
    await this.recovery.remindIdentifier(email);
    await noSoonerThan(started, ANSWER_FLOOR_MS);
    res.status(200).render(MESSAGE, {
      title: t('recovery:messages.checkMailbox'),
      alert: { type: 'info', text: t('recovery:messages.identifierSent', { email }) },
      link: { href: signInReturn(req), label: t('recovery:request.back') },
    });
  }

  private renderRequest(res: Response, values: Record<string, string>, errors: Record<string, string[]>): void {
    res.render(`${VIEWS}/request.njk`, { values, errors, smsAvailable: this.recovery.smsAvailable });
  }

  private invalidLink(res: Response): void {
    res.render(MESSAGE, {
      title: invalidLinkTitle(),
      alert: { type: 'error', text: invalidLinkText() },
      paragraphs: [t('account:link.recoveryAgain')],
      link: { href: '/mot-de-passe-oublie', label: t('recovery:request.title') },
    });
  }
}
