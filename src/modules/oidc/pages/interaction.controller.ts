import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { InteractionResults } from 'oidc-provider';
import { APP_CONFIG, type AppConfig } from '../../../config';
import { AuditService } from '../../../platform/audit';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { Public } from '../../../platform/http/access-policy';
import { ProviderHooks } from '../../../platform/provider-hooks';
import {
  AccountService,
  type AccountView,
  ActivationService,
  DEVICE_COOKIE,
  deviceCookie,
  IdentityService,
  LEGAL_VERSIONS,
  SignInThrottle,
  tooManyAttempts,
} from '../../identity';
import { ConsentFormDto, IdentifierFormDto, PasswordFormDto, TermsFormDto } from '../dto/interaction-forms.dto';
import { OidcProviderService } from '../oidc-provider.service';
import { scopeDescriptions } from '../scope-descriptions';
import { t } from '../../../platform/i18n/i18n';
import type { AccessRefusalDetails } from '../sign-in-policy';
import { InteractionPages, expired, requiresFranceConnect, type InteractionDetails } from './interaction-pages';

type Details = InteractionDetails;

/** What a password opened: a person's account, or a shared subject (a subscription's access codes). */
type VerifiedCredentials =
  { kind: 'account'; id: string; account: AccountView } | { kind: 'shared'; id: string; source: string };

/**
 * The pages inside an authorization request: identifier, then password (as in the source documents), then consent.
 * Messages never say whether an account exists.
 */
@Controller('interaction/:uid')
export class InteractionController {
  constructor(
    private readonly oidc: OidcProviderService,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly throttle: SignInThrottle,
    private readonly activation: ActivationService,
    private readonly accounts: AccountService,
    private readonly pages: InteractionPages,
    private readonly hooks: ProviderHooks,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.termsBox = new SecretBox(config.secretKey, 'interaction-terms');
    this.franceconnectEnabled = config.franceconnect !== undefined;
    this.secureCookies = config.publicUrl.startsWith('https:');
  }

  private readonly secureCookies: boolean;

  private readonly termsBox: SecretBox;
  private readonly franceconnectEnabled: boolean;

  @Public()
  @Get()
  async show(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.pages.details(uid, req, res);
    if (details.prompt.name === 'login') {
      // « S'identifier avec FranceConnect » on a page outside the interaction (registration): straight to FC, once.
      if (this.franceconnectEnabled && details.params.idp_hint === 'franceconnect' && req.query.autrement === undefined)
        return res.redirect(303, `/interaction/${uid}/franceconnect`);
      if (requiresFranceConnect(details)) return this.franceconnectOnly(res, details);
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      return this.pages.render(res, details, 'modules/oidc/views/sign-in-identifier.njk', { identifier: hint });
    }
    if (details.prompt.name === 'access') return this.renderRefusal(res, details);
    return this.renderConsent(res, details);
  }

  @Public()
  @Post('identifiant')
  async identifier(
    @Param('uid') uid: string,
    @Body() form: IdentifierFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.pages.details(uid, req, res);
    if (requiresFranceConnect(details)) return this.franceconnectOnly(res.status(403), details);
    const identifier = form.identifier?.trim() ?? '';
    if (!identifier) {
      return this.pages.render(res.status(400), details, 'modules/oidc/views/sign-in-identifier.njk', {
        identifier,
        error: t('oidc:signIn.identifier.missing'),
      });
    }
    return this.pages.render(res, details, 'modules/oidc/views/sign-in-password.njk', { identifier });
  }

  @Public()
  @Post('mot-de-passe')
  async password(
    @Param('uid') uid: string,
    @Body() form: PasswordFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.pages.details(uid, req, res);
    if (requiresFranceConnect(details)) return this.franceconnectOnly(res.status(403), details);
    const identifier = form.identifier?.trim() ?? '';
    const password = form.password ?? '';
    if (!identifier)
      return this.pages.render(res, details, 'modules/oidc/views/sign-in-identifier.njk', { identifier });

    // Shared credentials (a subscription's access codes) have a shape of their own; tried first, then the accounts.
    const shared = this.hooks.sharedCredentials.find((source) => source.recognises(identifier));
    const attempt = await this.throttle.signIn(
      identifier,
      { address: req.ip, device: deviceCookie(req) },
      async (): Promise<VerifiedCredentials | undefined> => {
        if (!password) return undefined;
        const subject = shared ? await shared.authenticate(identifier, password) : undefined;
        if (subject && shared) return { kind: 'shared', id: subject, source: shared.name };
        const account = await this.identity.verifyPassword(identifier, password);
        return account ? { kind: 'account', id: account.id, account } : undefined;
      },
    );
    if (attempt.status === 'refused') {
      return this.pages.render(res.status(429), details, 'modules/oidc/views/sign-in-password.njk', {
        identifier,
        error: tooManyAttempts(attempt.waitSeconds),
      });
    }
    if (attempt.status === 'verified')
      res.cookie(DEVICE_COOKIE, attempt.device, this.throttle.deviceCookieOptions(this.secureCookies));
    if (attempt.status === 'verified' && attempt.result.kind === 'shared')
      return this.sharedSignedIn(req, res, details, attempt.result.id, attempt.result.source);
    const found =
      attempt.status === 'verified' && attempt.result.kind === 'account' ? attempt.result.account : undefined;
    if (found?.status === 'pending') {
      // Only someone who knows the password learns that the account awaits activation.
      // Identity's page « Validation de votre compte »: a new SMS code or e-mail link, as after the registration form.
      return res.redirect(303, await this.activation.choicePageFor(found.id));
    }
    if (found?.status === 'disabled') {
      // As for a pending account: only someone who knows the password learns it.
      return this.pages.render(res.status(403), details, 'platform/views/message.njk', {
        title: t('oidc:signIn.disabled.title'),
        paragraphs: [t('oidc:signIn.disabled.text')],
      });
    }
    const account = found?.status === 'active' ? found : undefined;
    if (!account) {
      await this.audit.record({
        actor: { type: 'anonymous' },
        action: 'identity.sign_in.failed',
        target: { type: 'client', id: details.params.client_id as string },
        outcome: 'failure',
      });
      return this.pages.render(res.status(401), details, 'modules/oidc/views/sign-in-password.njk', {
        identifier,
        error: t('oidc:signIn.password.wrong'),
      });
    }
    if (account.termsVersion && account.termsVersion !== LEGAL_VERSIONS.terms) {
      // New CGU since the last acceptance: accepted before the sign-in completes.
      const ticket = this.termsBox.sealTicket({ accountId: account.id, uid }, 10 * 60_000);
      return this.pages.render(res, details, 'modules/oidc/views/terms.njk', { ticket, version: LEGAL_VERSIONS.terms });
    }
    await this.signedIn(req, res, details, account.id);
  }

  /** Acceptance of a new CGU version, between the password and the return to the site. */
  @Public()
  @Post('cgu')
  async acceptTerms(
    @Param('uid') uid: string,
    @Body() form: TermsFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.pages.details(uid, req, res);
    const pending = this.termsBox.openTicket<{ accountId: string; uid: string }>(form.ticket);
    if (!pending || pending.uid !== uid) throw expired();
    if (form.accept !== 'oui') {
      return this.pages.render(res.status(400), details, 'modules/oidc/views/terms.njk', {
        ticket: form.ticket,
        version: LEGAL_VERSIONS.terms,
        error: t('oidc:terms.missing'),
      });
    }
    await this.accounts.acceptLegal(pending.accountId);
    await this.signedIn(req, res, details, pending.accountId);
  }

  private async signedIn(req: Request, res: Response, details: Details, accountId: string): Promise<void> {
    await this.audit.record({
      actor: { type: 'account', id: accountId },
      action: 'identity.sign_in.succeeded',
      target: { type: 'client', id: details.params.client_id as string },
      outcome: 'success',
      details: { method: 'password' },
    });
    const result: InteractionResults = { login: { accountId, amr: ['pwd'], remember: true } };
    await this.oidc.provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  /**
   * Signed in with shared credentials: the provider session's subject is the source's, not a person's. Not
   * remembered beyond the browser session (a shared computer is the usual case for codes printed on a letter).
   */
  private async sharedSignedIn(
    req: Request,
    res: Response,
    details: Details,
    subject: string,
    source: string,
  ): Promise<void> {
    await this.audit.record({
      actor: { type: 'anonymous', id: subject },
      action: 'identity.sign_in.succeeded',
      target: { type: 'client', id: details.params.client_id as string },
      outcome: 'success',
      details: { method: source },
    });
    const result: InteractionResults = { login: { accountId: subject, amr: ['pwd'], remember: false } };
    await this.oidc.provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  @Public()
  @Post('consentement')
  async consent(
    @Param('uid') uid: string,
    @Body() form: ConsentFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const details = await this.pages.details(uid, req, res);
    if (details.prompt.name !== 'consent' || !details.session) throw expired();
    const clientId = details.params.client_id as string;
    if (form.decision !== 'autoriser') {
      await this.audit.record({
        actor: { type: 'account', id: details.session.accountId },
        action: 'oidc.consent.refused',
        target: { type: 'client', id: clientId },
        outcome: 'denied',
      });
      await this.oidc.provider.interactionFinished(
        req,
        res,
        {
          error: 'access_denied',
          error_description: 'La personne a refusé de partager ses informations avec ce site.',
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const { Grant } = this.oidc.provider;
    const grant = details.grantId
      ? ((await Grant.find(details.grantId)) ?? new Grant({ accountId: details.session.accountId, clientId }))
      : new Grant({ accountId: details.session.accountId, clientId });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await this.audit.record({
      actor: { type: 'account', id: details.session.accountId },
      action: 'oidc.consent.given',
      target: { type: 'client', id: clientId },
      outcome: 'success',
      details: { scopes: missing.missingOIDCScope ?? [] },
    });
    await this.oidc.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  @Public()
  @Post('annuler')
  async abort(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const details = await this.pages.details(uid, req, res);
    const description =
      details.prompt.name === 'access'
        ? 'L’accès de cette personne à ce site est refusé.'
        : 'La personne a abandonné la connexion.';
    await this.oidc.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: description },
      { mergeWithLastSubmission: false },
    );
  }

  /** The site asked for an eIDAS level only FranceConnect gives: no password form. */
  private franceconnectOnly(res: Response, details: Details): Promise<void> {
    return this.pages.render(res, details, 'modules/oidc/views/franceconnect/required.njk', {});
  }

  /** A module's access check refused this site: the page names it and says what to do (HTTP 403). */
  private async renderRefusal(res: Response, details: Details): Promise<void> {
    const { refusal } = details.prompt.details as { refusal?: AccessRefusalDetails };
    await this.audit.record({
      actor: { type: 'account', id: details.session?.accountId ?? null },
      action: 'oidc.access.refused',
      target: { type: 'client', id: details.params.client_id as string },
      outcome: 'denied',
      details: { check: refusal?.check },
    });
    return this.pages.render(res.status(403), details, 'modules/oidc/views/access-refused.njk', {
      reason: refusal?.reason ?? t('oidc:refused.reason'),
      whatToDo: refusal?.whatToDo ?? t('oidc:refused.contact'),
    });
  }

  private async renderConsent(res: Response, details: Details): Promise<void> {
    const missing = details.prompt.details as { missingOIDCScope?: string[] };
    const descriptions = scopeDescriptions(this.hooks);
    const scopes = (missing.missingOIDCScope ?? []).filter((s) => s in descriptions);
    return this.pages.render(res, details, 'modules/oidc/views/consent.njk', {
      scopes: scopes.map((scope) => ({ scope, description: descriptions[scope] })),
    });
  }
}
