import { createHash } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../../../config';
import { AuditService } from '../../../platform/audit';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { Public } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import {
  IdentityError,
  IdentityErrorCode,
  IdentityService,
  LEGAL_VERSIONS,
  RegistrationService,
  SignInThrottle,
  deviceCookie,
  tooManyAttempts,
} from '../../identity';
import {
  FAILURE_MESSAGES,
  FranceConnectAccounts,
  FranceConnectError,
  FranceConnectFlow,
  certifiedIdentity,
  failureMessage,
  franceconnectErrorMessage,
  type FranceConnectSignIn,
} from '../../franceconnect';
import {
  FranceConnectLinkConfirmFormDto,
  FranceConnectLinkFormDto,
  FranceConnectRegistrationFormDto,
} from '../dto/interaction-forms.dto';
import { OidcProviderService } from '../oidc-provider.service';
import { InteractionPages, expired, type InteractionDetails } from './interaction-pages';

const VIEWS = 'modules/oidc/views/franceconnect';

/**
 * FranceConnect inside an authorization request: the button leads here, FC's answer comes back here (through
 * `/franceconnect/callback`), and a first FC sign-in ends with a new account or an existing one linked, by `sub` only.
 */
@Controller('interaction/:uid/franceconnect')
export class FranceConnectInteractionController {
  constructor(
    private readonly oidc: OidcProviderService,
    private readonly pages: InteractionPages,
    private readonly flow: FranceConnectFlow,
    private readonly links: FranceConnectAccounts,
    private readonly identity: IdentityService,
    private readonly registration: RegistrationService,
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.linkBox = new SecretBox(config.secretKey, 'franceconnect-link');
  }

  /** The ticket of a password checked, carried by the confirmation page of a link. */
  private readonly linkBox: SecretBox;

  /** « S'identifier avec FranceConnect »: a new attempt (state, nonce), then FC's authorization page. */
  @Public()
  @Get()
  async start(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.pages.details(uid, req, res);
    if (!this.flow.enabled) throw expired();
    let url: URL;
    try {
      url = await this.flow.start(res, details.uid);
    } catch (error) {
      await this.flow.recordFailure('unreachable', (error as Error).message);
      return this.failure(res, details, 'unreachable');
    }
    res.redirect(303, url.toString());
  }

  @Public()
  @Get('erreur')
  async error(
    @Param('uid') uid: string,
    @Query('motif') reason: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.pages.details(uid, req, res);
    const known = typeof reason === 'string' && reason in FAILURE_MESSAGES;
    return this.failure(res, details, known ? (reason as keyof typeof FAILURE_MESSAGES) : 'expired');
  }

  /** FC's verified answer: a linked account signs in; an unknown identity chooses between a new account and linking. */
  @Public()
  @Get('suite')
  async next(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { details, signIn } = await this.pending(uid, req, res);
    if (!signIn) return this.failure(res, details, 'expired');
    const accountId = await this.links.accountOf(signIn.sub);
    if (!accountId) {
      return this.pages.render(res, details, `${VIEWS}/first-sign-in.njk`, {
        person: certifiedIdentity(signIn.identity),
      });
    }
    const account = await this.identity.findById(accountId);
    if (account?.status === 'active') {
      await this.links.recordSignIn(accountId, signIn);
      return this.signedIn(req, res, details, accountId, signIn);
    }
    return this.pages.render(res.status(403), details, 'platform/views/message.njk', {
      title:
        account?.status === 'pending'
          ? t('franceconnect:pending.notActivatedTitle')
          : t('franceconnect:pending.disabledTitle'),
      paragraphs: [
        account?.status === 'pending'
          ? t('franceconnect:pending.notActivatedText', { email: account.email })
          : t('franceconnect:pending.disabledText'),
      ],
    });
  }

  @Public()
  @Get('inscription')
  async registrationForm(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { details, signIn } = await this.pending(uid, req, res);
    if (!signIn) return this.failure(res, details, 'expired');
    return this.renderRegistration(res, details, signIn, { email: signIn.identity.email }, {});
  }

  /** A new account from the pivot identity; the same address as FC's needs no activation, another one does. */
  @Public()
  @Post('inscription')
  async register(
    @Param('uid') uid: string,
    @Body() form: FranceConnectRegistrationFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { details, signIn } = await this.pending(uid, req, res);
    if (!signIn) return this.failure(res, details, 'expired');
    const values = {
      email: form.email ?? '',
      mobilePhone: form.mobilePhone ?? '',
      landlinePhone: form.landlinePhone ?? '',
      identifier: form.identifier ?? '',
      emailMailing: form.emailMailing === 'oui',
      smsMailing: form.smsMailing === 'oui',
      acceptTerms: form.acceptTerms === 'oui',
      acceptPrivacy: form.acceptPrivacy === 'oui',
    };
    let created: Awaited<ReturnType<RegistrationService['registerFederated']>>;
    try {
      created = await this.registration.registerFederated(
        {
          ...values,
          profile: 'citoyen',
          password: form.password ?? '',
          passwordConfirmation: form.passwordConfirmation ?? '',
        },
        { identity: certifiedIdentity(signIn.identity), email: signIn.identity.email, source: 'franceconnect' },
        (manager, accountId) => this.links.link(manager, accountId, signIn),
      );
    } catch (error) {
      if (error instanceof IdentityError && error.code === (IdentityErrorCode.REGISTRATION_INVALID as string))
        return this.renderRegistration(res.status(400), details, signIn, values, error.fields ?? {});
      if (error instanceof FranceConnectError) return this.refuse(res, details, franceconnectErrorMessage(error));
      throw error;
    }
    if (created.status === 'active') return this.signedIn(req, res, details, created.accountId, signIn);
    this.flow.clearResult(res, details.uid);
    return this.pages.render(res.status(200), details, 'platform/views/message.njk', {
      title: t('franceconnect:register.checkMailbox'),
      alert: { type: 'success', text: t('franceconnect:register.activationSent', { email: created.email }) },
      paragraphs: [t('franceconnect:register.otherAddress'), t('franceconnect:register.thenSignIn')],
    });
  }

  @Public()
  @Get('lier')
  async linkForm(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { details, signIn } = await this.pending(uid, req, res);
    if (!signIn) return this.failure(res, details, 'expired');
    return this.pages.render(res, details, `${VIEWS}/link.njk`, { identifier: '' });
  }

  /** « J'ai déjà un compte »: the account's password proves it is the person's, then the FC identity is linked. */
  @Public()
  @Post('lier')
  async link(
    @Param('uid') uid: string,
    @Body() form: FranceConnectLinkFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const { details, signIn } = await this.pending(uid, req, res);
    if (!signIn) return this.failure(res, details, 'expired');
    const identifier = form.identifier?.trim() ?? '';
    const password = form.password ?? '';
    const attempt = identifier
      ? await this.throttle.signIn(identifier, { address: req.ip, device: deviceCookie(req) }, () =>
          password ? this.identity.authenticate(identifier, password) : Promise.resolve(undefined),
        )
      : ({ status: 'wrong' } as const);
    if (attempt.status === 'refused') {
      return this.pages.render(res.status(429), details, `${VIEWS}/link.njk`, {
        identifier,
        error: tooManyAttempts(attempt.waitSeconds),
      });
    }
    const account = attempt.status === 'verified' ? attempt.result : undefined;
    if (!account) {
      return this.pages.render(res.status(401), details, `${VIEWS}/link.njk`, {
        identifier,
        error: t('franceconnect:link.wrong'),
      });
    }
    // Nothing is replaced silently: what the link changes is shown, and linked only once confirmed.
    return this.pages.render(res.status(200), details, `${VIEWS}/link-confirm.njk`, {
      changes: await this.links.linkPreview(account.id, signIn),
      ticket: this.linkBox.sealTicket(
        { accountId: account.id, uid: details.uid, fc: fcSignInDigest(signIn) } satisfies LinkTicket,
        10 * 60_000,
      ),
    });
  }

  /** « Confirmer la liaison » or « Annuler »: cancelling leaves the account as it was, not linked. */
  @Public()
  @Post('lier/confirmer')
  async confirmLink(
    @Param('uid') uid: string,
    @Body() form: FranceConnectLinkConfirmFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const { details, signIn } = await this.pending(uid, req, res);
    if (!signIn) return this.failure(res, details, 'expired');
    // The ticket holds for this interaction and this FranceConnect sign-in only: after another FranceConnect sign-in in
    // the same browser (someone else's), a ticket shown before links nothing.
    const checked = this.linkBox.openTicket<LinkTicket>(form.ticket);
    if (!checked || checked.uid !== details.uid || checked.fc !== fcSignInDigest(signIn))
      return this.failure(res, details, 'expired');
    if (form.decision !== 'confirmer') {
      // Cancelling ends this FranceConnect sign-in here: the page left behind (back button, shared computer) can no
      // longer link the account whose password was typed.
      this.flow.clearResult(res, details.uid);
      return this.pages.render(res.status(200), details, 'platform/views/message.njk', {
        title: t('franceconnect:linkConfirm.cancelledTitle'),
        alert: { type: 'success', text: t('franceconnect:linkConfirm.cancelledText') },
        paragraphs: [t('franceconnect:linkConfirm.resumeText')],
        link: { href: `/interaction/${details.uid}`, label: t('franceconnect:linkConfirm.resume') },
      });
    }
    try {
      await this.links.linkExisting(checked.accountId, signIn);
    } catch (error) {
      if (error instanceof FranceConnectError) return this.refuse(res, details, franceconnectErrorMessage(error));
      throw error;
    }
    return this.signedIn(req, res, details, checked.accountId, signIn);
  }

  private async pending(uid: string, req: Request, res: Response) {
    const details = await this.pages.details(uid, req, res);
    if (details.prompt.name !== 'login') throw expired();
    return { details, signIn: this.flow.result(req, details.uid) };
  }

  /** The sign-in completes with FC's level and methods, and the FC ID token rides along to be kept for the logout. */
  private async signedIn(
    req: Request,
    res: Response,
    details: InteractionDetails,
    accountId: string,
    signIn: FranceConnectSignIn,
  ): Promise<void> {
    await this.audit.record({
      actor: { type: 'account', id: accountId },
      action: 'identity.sign_in.succeeded',
      target: { type: 'client', id: details.params.client_id as string },
      outcome: 'success',
      details: { method: 'franceconnect', acr: signIn.acr },
    });
    this.flow.clearResult(res, details.uid);
    await this.oidc.provider.interactionFinished(
      req,
      res,
      {
        login: { accountId, acr: signIn.acr, amr: signIn.amr.length ? signIn.amr : ['fc'], remember: true },
        franceconnect: { idToken: signIn.idToken },
      },
      { mergeWithLastSubmission: false },
    );
  }

  private failure(res: Response, details: InteractionDetails, reason: keyof typeof FAILURE_MESSAGES): Promise<void> {
    return this.pages.render(res.status(reason === 'access_denied' ? 200 : 400), details, `${VIEWS}/error.njk`, {
      message: failureMessage(reason),
    });
  }

  private refuse(res: Response, details: InteractionDetails, message: string): Promise<void> {
    return this.pages.render(res.status(409), details, `${VIEWS}/error.njk`, { message, linking: true });
  }

  private renderRegistration(
    res: Response,
    details: InteractionDetails,
    signIn: FranceConnectSignIn,
    values: Record<string, unknown>,
    errors: Record<string, string[]>,
  ): Promise<void> {
    const errorCount = Object.keys(errors).length;
    return this.pages.render(res, details, `${VIEWS}/register.njk`, {
      title: errorCount
        ? t('account:errorTitle', { title: t('franceconnect:register.title') })
        : t('franceconnect:register.title'),
      person: certifiedIdentity(signIn.identity),
      franceconnectEmail: signIn.identity.email,
      values,
      errors,
      errorCount,
      legal: LEGAL_VERSIONS,
    });
  }
}

/** What the « lier » ticket carries: who typed their password, in which interaction, after which FranceConnect sign-in. */
interface LinkTicket {
  accountId: string;
  uid: string;
  fc: string;
}

/** One FranceConnect sign-in (its ID token is new at each), without keeping the token in the ticket. */
function fcSignInDigest(signIn: FranceConnectSignIn): string {
  return createHash('sha256').update(signIn.idToken).digest('base64url');
}
