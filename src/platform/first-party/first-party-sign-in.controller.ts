import { Body, Controller, Get, Inject, Post, Query, Req, Res, type Type } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidcClient from 'openid-client';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from '../audit';
import { SecretBox } from '../crypto/secret-box';
import { PlatformError, PlatformErrorCode } from '../errors';
import { firstPartyClientSecret, spaceCookie, type FirstPartyClient } from '../first-party-clients';
import { FirstPartyEndpoint, safeReturnPath } from '../http/access-policy';
import { SkipCsrf } from '../http/csrf';
import { WebSessionStore } from './web-session.store';

/** The person has this long to sign in at the provider. */
const PENDING_MS = 10 * 60 * 1000;

interface PendingSignIn {
  verifier: string;
  state: string;
  nonce: string;
  returnTo?: string;
}

/**
 * The sign-in routes of one first-party space, mounted under its path: authorization code + PKCE against the
 * platform's own issuer (so single sign-on, logout and FranceConnect behave exactly as for an outside site), the
 * callback opening a session in PostgreSQL, sign-out through the provider, and the back-channel logout receiver.
 *
 * Not a Passport strategy: `openid-client/passport` keeps the PKCE verifier and state in `req.session`
 * (express-session), a second session mechanism the platform does not have; and it covers the two openid-client calls
 * below, not sign-out, back-channel logout or the session check.
 */
export function firstPartySignInController(space: FirstPartyClient): Type {
  @Controller(space.path.slice(1))
  class FirstPartySignInController {
    private configuration: Promise<oidcClient.Configuration> | undefined;
    private jwksSet: ReturnType<typeof createRemoteJWKSet> | undefined;
    private readonly box: SecretBox;

    constructor(
      @Inject(APP_CONFIG) private readonly config: AppConfig,
      private readonly sessions: WebSessionStore,
      private readonly audit: AuditService,
    ) {
      this.box = new SecretBox(config.secretKey, `first-party-sign-in:${space.clientId}`);
    }

    /** `?retour=` the page to come back to; `?fournisseur=franceconnect` goes straight to FranceConnect. */
    @FirstPartyEndpoint()
    @Get('connexion')
    async signIn(
      @Query('retour') returnTo: unknown,
      @Query('fournisseur') provider: unknown,
      @Res() res: Response,
    ): Promise<void> {
      const pending: PendingSignIn = {
        verifier: oidcClient.randomPKCECodeVerifier(),
        state: oidcClient.randomState(),
        nonce: oidcClient.randomNonce(),
        returnTo: safeReturnPath(space, returnTo),
      };
      const url = oidcClient.buildAuthorizationUrl(await this.client(), {
        redirect_uri: `${this.config.publicUrl}${space.redirectPath}`,
        scope: space.scope,
        code_challenge: await oidcClient.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
        ...(provider === 'franceconnect' ? { idp_hint: 'franceconnect' } : {}),
      });
      res.cookie(
        spaceCookie(space, space.pendingCookie).name,
        this.box.sealTicket(pending, PENDING_MS),
        this.cookieOptions(spaceCookie(space, space.pendingCookie), PENDING_MS),
      );
      res.redirect(303, url.toString());
    }

    @FirstPartyEndpoint()
    @Get('connexion/retour')
    async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
      const pending = this.box.openTicket<PendingSignIn>(cookie(req, spaceCookie(space, space.pendingCookie).name));
      res.clearCookie(
        spaceCookie(space, space.pendingCookie).name,
        this.cookieOptions(spaceCookie(space, space.pendingCookie)),
      );
      if (!pending) return res.redirect(303, `${space.path}/connexion`);
      const current = new URL(req.originalUrl, this.config.publicUrl);
      // The person refused or aborted: back to the home page, nothing else to say.
      if (current.searchParams.get('error')) return res.redirect(303, '/');
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
          action: 'platform.first_party.sign_in_failed',
          outcome: 'failure',
          details: { clientId: space.clientId, reason: (error as Error).message },
        });
        // A forged or replayed callback is the request's fault (400); only an unreachable provider is a 503.
        throw new PlatformError(
          unreachable(error) ? PlatformErrorCode.SIGN_IN_UNAVAILABLE : PlatformErrorCode.SIGN_IN_FAILED,
        );
      }
      const claims = tokens.claims()!;
      const token = await this.sessions.open({
        clientId: space.clientId,
        accountId: claims.sub,
        oidcSid: typeof claims.sid === 'string' ? claims.sid : null,
        idToken: tokens.id_token!,
      });
      res.cookie(
        spaceCookie(space, space.sessionCookie).name,
        token,
        this.cookieOptions(spaceCookie(space, space.sessionCookie)),
      );
      res.redirect(303, pending.returnTo ?? space.path);
    }

    /**
     * Ends the space's session if there is one, then the provider's (which shows its confirmation and notifies other
     * sites).
     */
    @FirstPartyEndpoint()
    @Post('deconnexion')
    async signOut(@Req() req: Request, @Res() res: Response): Promise<void> {
      const token = cookie(req, spaceCookie(space, space.sessionCookie).name);
      const session = await this.sessions.find(token, space.clientId);
      res.clearCookie(
        spaceCookie(space, space.sessionCookie).name,
        this.cookieOptions(spaceCookie(space, space.sessionCookie)),
      );
      if (session && token) await this.sessions.close(token);
      // Without the space's session (expired, or ended elsewhere) the provider's may still be open: it is asked to end
      // it too, without a hint, so the person confirms there instead of staying signed in to every other site.
      const url = oidcClient.buildEndSessionUrl(await this.client(), {
        ...(session ? { id_token_hint: session.idToken } : {}),
        post_logout_redirect_uri: `${this.config.publicUrl}${space.postLogoutPath}`,
      });
      res.redirect(303, url.toString());
    }

    @FirstPartyEndpoint()
    @Get('deconnexion/terminee')
    signedOut(@Res() res: Response): void {
      res.render('platform/views/signed-out.njk', { title: 'Vous êtes déconnecté' });
    }

    /** OpenID Connect Back-Channel Logout 1.0 §2.5: the provider tells us a session ended elsewhere. */
    @FirstPartyEndpoint()
    @SkipCsrf()
    @Post('deconnexion/canal-arriere')
    async backchannelLogout(@Body() body: { logout_token?: unknown }, @Res() res: Response): Promise<void> {
      try {
        if (typeof body.logout_token !== 'string') throw new Error('logout_token manquant');
        // §2.6: signed by the issuer, for this client, typed as a logout token, with the logout event and a subject.
        const { payload } = await jwtVerify(body.logout_token, this.jwks(), {
          issuer: this.config.issuer,
          audience: space.clientId,
          typ: 'logout+jwt',
        });
        const events = payload.events as Record<string, unknown> | undefined;
        if (!payload.sub || !events?.['http://schemas.openid.net/event/backchannel-logout']) {
          throw new Error('logout_token incomplet');
        }
        await this.sessions.closeForProviderSession(
          space.clientId,
          payload.sub,
          typeof payload.sid === 'string' ? payload.sid : undefined,
        );
        res.setHeader('Cache-Control', 'no-store');
        res.status(200).end();
      } catch (error) {
        await this.audit.record({
          actor: { type: 'anonymous' },
          action: 'platform.first_party.backchannel_logout_refused',
          outcome: 'denied',
          details: { clientId: space.clientId, reason: (error as Error).message },
        });
        res.status(400).json({ error: 'invalid_request' });
      }
    }

    private client(): Promise<oidcClient.Configuration> {
      this.configuration ??= oidcClient
        .discovery(
          new URL(this.config.issuer),
          space.clientId,
          undefined,
          oidcClient.ClientSecretBasic(firstPartyClientSecret(this.config.secretKey, space)),
          this.config.issuer.startsWith('http:') ? { execute: [oidcClient.allowInsecureRequests] } : undefined,
        )
        .catch((error: unknown) => {
          this.configuration = undefined;
          throw error;
        });
      return this.configuration;
    }

    private jwks(): ReturnType<typeof createRemoteJWKSet> {
      this.jwksSet ??= createRemoteJWKSet(new URL(`${this.config.issuer}/jwks`));
      return this.jwksSet;
    }

    private cookieOptions(cookie: { path: string; secure: boolean }, maxAge?: number): CookieOptions {
      const { path, secure } = cookie;
      return { httpOnly: true, secure, sameSite: 'lax', path, ...(maxAge ? { maxAge } : {}) };
    }
  }
  Object.defineProperty(FirstPartySignInController, 'name', { value: `FirstPartySignIn(${space.path})` });
  return FirstPartySignInController;
}

function cookie(req: Request, name: string): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Whether a failed code exchange means the provider could not be reached (network error or 5xx), not a bad callback. */
function unreachable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof TypeError && /fetch failed/i.test(current.message)) return true;
    const { code, status } = current as { code?: unknown; status?: unknown };
    if (typeof code === 'string' && /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR)/.test(code)) return true;
    if (typeof status === 'number' && status >= 500) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
