import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidcClient from 'openid-client';
import { APP_CONFIG, type AppConfig } from '../../../config';
import { AuditService } from '../../../platform/audit';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { ACCOUNT_SPACE_CLIENT, firstPartyClientSecret } from '../../../platform/first-party-clients';
import { Public } from '../../../platform/http/access-policy';
import { SkipCsrf } from '../../../platform/http/csrf';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { WebSessionStore } from '../web-session.store';
import { SESSION_COOKIE, cookie } from './account-session';

const PENDING_COOKIE = 'compte_connexion';
/** The person has this long to sign in at the provider. */
const PENDING_MS = 10 * 60 * 1000;

interface PendingSignIn {
  verifier: string;
  state: string;
  nonce: string;
}

/**
 * The account space signs people in as a relying party of the platform's own provider (code + PKCE over HTTP), so
 * single sign-on, logout and FranceConnect behave exactly as for an outside site.
 */
@Controller('compte')
export class AccountSpaceController {
  private configuration: Promise<oidcClient.Configuration> | undefined;
  private readonly box: SecretBox;
  private readonly secure: boolean;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: WebSessionStore,
    private readonly audit: AuditService,
  ) {
    this.box = new SecretBox(config.secretKey, 'account-space-sign-in');
    this.secure = config.publicUrl.startsWith('https:');
  }

  @Public()
  @Get('connexion')
  async signIn(@Query('fournisseur') provider: unknown, @Res() res: Response): Promise<void> {
    const pending: PendingSignIn = {
      verifier: oidcClient.randomPKCECodeVerifier(),
      state: oidcClient.randomState(),
      nonce: oidcClient.randomNonce(),
    };
    const url = oidcClient.buildAuthorizationUrl(await this.client(), {
      redirect_uri: `${this.config.publicUrl}${ACCOUNT_SPACE_CLIENT.redirectPath}`,
      scope: ACCOUNT_SPACE_CLIENT.scope,
      code_challenge: await oidcClient.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      // « S'identifier avec FranceConnect » on the registration page: the sign-in page goes straight to FC.
      ...(provider === 'franceconnect' ? { idp_hint: 'franceconnect' } : {}),
    });
    res.cookie(PENDING_COOKIE, this.box.sealTicket(pending, PENDING_MS), this.cookieOptions(PENDING_MS));
    res.redirect(303, url.toString());
  }

  @Public()
  @Get('connexion/retour')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const pending = this.readPending(req);
    res.clearCookie(PENDING_COOKIE, this.cookieOptions());
    if (!pending) return res.redirect(303, '/compte/connexion');
    const current = new URL(req.originalUrl, this.config.publicUrl);
    if (current.searchParams.get('error')) {
      // The person refused or aborted: back to the home page, nothing else to say.
      return res.redirect(303, '/');
    }
    let tokens: Awaited<ReturnType<typeof oidcClient.authorizationCodeGrant>>;
    try {
      tokens = await oidcClient.authorizationCodeGrant(await this.client(), current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      // A replayed or forged callback, or the provider unreachable: nothing is opened, the cause goes to the audit trail.
      await this.audit.record({
        actor: { type: 'anonymous' },
        action: 'identity.account_space.sign_in_failed',
        outcome: 'failure',
        details: { reason: (error as Error).message },
      });
      throw new IdentityError(
        IdentityErrorCode.SIGN_IN_FAILED,
        'La connexion à votre compte n’a pas pu aboutir. Revenez à la page d’accueil et réessayez.',
      );
    }
    const claims = tokens.claims()!;
    const token = await this.sessions.open({
      accountId: claims.sub,
      oidcSid: typeof claims.sid === 'string' ? claims.sid : null,
      idToken: tokens.id_token!,
    });
    res.cookie(SESSION_COOKIE, token, this.cookieOptions());
    res.redirect(303, '/compte');
  }

  /** Ends the account space's session, then the provider's (which shows its confirmation and notifies other sites). */
  @Public()
  @Post('deconnexion')
  async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
    const token = cookie(req, SESSION_COOKIE);
    const session = await this.sessions.find(token);
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
    if (!session || !token) return res.redirect(303, '/');
    await this.sessions.close(token);
    const url = oidcClient.buildEndSessionUrl(await this.client(), {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: `${this.config.publicUrl}${ACCOUNT_SPACE_CLIENT.postLogoutPath}`,
    });
    res.redirect(303, url.toString());
  }

  @Public()
  @Get('deconnexion/terminee')
  signedOut(@Res() res: Response): void {
    res.render('modules/oidc/views/logged-out.njk', { title: 'Vous êtes déconnecté' });
  }

  /** OpenID Connect Back-Channel Logout 1.0 §2.5: the provider tells us a session ended elsewhere. */
  @Public()
  @SkipCsrf()
  @Post('deconnexion/canal-arriere')
  async backchannelLogout(@Body() body: { logout_token?: unknown }, @Res() res: Response): Promise<void> {
    try {
      if (typeof body.logout_token !== 'string') throw new Error('logout_token manquant');
      const { payload } = await jwtVerify(body.logout_token, this.jwks(), {
        issuer: this.config.issuer,
        audience: ACCOUNT_SPACE_CLIENT.clientId,
        typ: 'logout+jwt',
      });
      if (
        !payload.sub ||
        !(payload.events as Record<string, unknown> | undefined)?.['http://schemas.openid.net/event/backchannel-logout']
      ) {
        throw new Error('logout_token incomplet');
      }
      await this.sessions.closeForProviderSession(
        payload.sub,
        typeof payload.sid === 'string' ? payload.sid : undefined,
      );
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).end();
    } catch (error) {
      await this.audit.record({
        actor: { type: 'anonymous' },
        action: 'identity.backchannel_logout.refused',
        outcome: 'denied',
        details: { reason: (error as Error).message },
      });
      res.status(400).json({ error: 'invalid_request' });
    }
  }

  private client(): Promise<oidcClient.Configuration> {
    this.configuration ??= oidcClient
      .discovery(
        new URL(this.config.issuer),
        ACCOUNT_SPACE_CLIENT.clientId,
        undefined,
        oidcClient.ClientSecretBasic(firstPartyClientSecret(this.config.secretKey, ACCOUNT_SPACE_CLIENT)),
        this.config.issuer.startsWith('http:') ? { execute: [oidcClient.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  private jwksSet: ReturnType<typeof createRemoteJWKSet> | undefined;
  private jwks(): ReturnType<typeof createRemoteJWKSet> {
    this.jwksSet ??= createRemoteJWKSet(new URL(`${this.config.issuer}/jwks`));
    return this.jwksSet;
  }

  private readPending(req: Request): PendingSignIn | undefined {
    return this.box.openTicket<PendingSignIn>(cookie(req, PENDING_COOKIE));
  }

  private cookieOptions(maxAge?: number) {
    return {
      httpOnly: true,
      secure: this.secure,
      sameSite: 'lax' as const,
      path: '/compte',
      ...(maxAge ? { maxAge } : {}),
    };
  }
}
