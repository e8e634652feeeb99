import { Inject, Injectable } from '@nestjs/common';
import * as oidcClient from 'openid-client';
import { APP_CONFIG, type AppConfig, type FranceConnectConfig } from '../../config';

/** The claims asked of FC: the pivot identity and the e-mail, nothing else (FRANCECONNECT.md « Request only … »). */
export const FRANCECONNECT_SCOPE =
  'openid given_name family_name preferred_username birthdate gender birthplace birthcountry email';

/** The platform's addresses to register at FC (DESIGN.md): its redirect URI and its post-logout redirect URI. */
export function franceconnectUris(publicUrl: string): { redirectUri: string; postLogoutRedirectUri: string } {
  return {
    redirectUri: `${publicUrl}/franceconnect/callback`,
    postLogoutRedirectUri: `${publicUrl}/franceconnect/logout-callback`,
  };
}

/** eIDAS levels, weakest first: an ID token's `acr` must be at least the level asked. */
const ACR_LEVELS = ['eidas1', 'eidas2', 'eidas3'];

/** FC's identité pivot and e-mail, as received from its userinfo. */
export interface PivotIdentity {
  given_name: string;
  family_name: string;
  preferred_username: string;
  birthdate: string;
  gender: string;
  birthplace: string;
  birthcountry: string;
  email: string;
}

/** A verified FC sign-in. */
export interface FranceConnectSignIn {
  sub: string;
  acr: string;
  amr: string[];
  /** Kept for FC's logout (`id_token_hint`). */
  idToken: string;
  identity: PivotIdentity;
}

/** One attempt's secrets: 43 random URL-safe characters each, new for every attempt. */
export interface FranceConnectAttempt {
  state: string;
  nonce: string;
}

/** Why an FC sign-in did not complete: FC's own error codes, or the check that failed here. */
export type FranceConnectFailureCause =
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'fc_error'
  | 'state'
  | 'issuer'
  | 'token'
  | 'id_token'
  | 'acr'
  | 'userinfo'
  | 'unreachable';

export class FranceConnectFailure extends Error {
  constructor(
    readonly reason: FranceConnectFailureCause,
    /** For the audit trail: FC's error code and description, or the library's check. */
    readonly detail: string,
  ) {
    super(`FranceConnect : ${reason} (${detail})`);
  }
}

/**
 * The platform as FC's service provider (`openid-client` v6): discovery from `FRANCECONNECT_ISSUER`, authentication
 * with `client_secret_post`, ES256 pinned and signatures of the ID token and of the JWT userinfo verified
 * (`enableNonRepudiationChecks`), no PKCE and only the parameters FC accepts.
 */
@Injectable()
export class FranceConnectClient {
  private configuration: Promise<oidcClient.Configuration> | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.franceconnect !== undefined;
  }

  get redirectUri(): string {
    return franceconnectUris(this.config.publicUrl).redirectUri;
  }

  get postLogoutRedirectUri(): string {
    return franceconnectUris(this.config.publicUrl).postLogoutRedirectUri;
  }

  newAttempt(): FranceConnectAttempt {
    return { state: oidcClient.randomState(), nonce: oidcClient.randomNonce() };
  }

  /** FC's `/authorize` with exactly the parameters it lists (FRANCECONNECT.md « Authorization request »). */
  async authorizationUrl(attempt: FranceConnectAttempt): Promise<URL> {
    const settings = this.settings();
    return oidcClient.buildAuthorizationUrl(await this.client(), {
      response_type: 'code',
      redirect_uri: this.redirectUri,
      scope: FRANCECONNECT_SCOPE,
      state: attempt.state,
      nonce: attempt.nonce,
      acr_values: settings.acrValues,
    });
  }

  /**
   * Checks FC's answer at the callback (`iss`, `state`, error), exchanges the code, verifies the ID token (signature,
   * `iss`, `aud`, `exp`, `nonce`, `acr`) and the JWT userinfo (signature, `iss`, `aud`, same `sub`).
   */
  async complete(callback: URL, attempt: FranceConnectAttempt): Promise<FranceConnectSignIn> {
    const settings = this.settings();
    const params = callback.searchParams;
    const iss = params.get('iss');
    if (iss !== null && iss !== settings.issuer) throw new FranceConnectFailure('issuer', `iss reçu : ${iss}`);
    if (params.get('state') !== attempt.state) throw new FranceConnectFailure('state', 'state différent de la demande');
    const error = params.get('error');
    if (error) {
      const description = `${error}: ${params.get('error_description') ?? ''}`;
      const known: FranceConnectFailureCause[] = ['access_denied', 'server_error', 'temporarily_unavailable'];
      throw new FranceConnectFailure(
        known.includes(error as FranceConnectFailureCause) ? (error as FranceConnectFailureCause) : 'fc_error',
        description,
      );
    }
    const client = await this.client();
    let tokens: Awaited<ReturnType<typeof oidcClient.authorizationCodeGrant>>;
    try {
      tokens = await oidcClient.authorizationCodeGrant(client, callback, {
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
    } catch (cause) {
      throw new FranceConnectFailure(isResponseError(cause) ? 'token' : 'id_token', describe(cause));
    }
    const claims = tokens.claims()!;
    const acr = typeof claims.acr === 'string' ? claims.acr : '';
    if (ACR_LEVELS.indexOf(acr) < ACR_LEVELS.indexOf(settings.acrValues)) {
      throw new FranceConnectFailure('acr', `acr reçu « ${acr} », attendu ${settings.acrValues} au moins`);
    }
    let userinfo: oidcClient.UserInfoResponse;
    try {
      userinfo = await oidcClient.fetchUserInfo(client, tokens.access_token, claims.sub);
    } catch (cause) {
      throw new FranceConnectFailure('userinfo', describe(cause));
    }
    const text = (name: keyof PivotIdentity) => (typeof userinfo[name] === 'string' ? userinfo[name] : '');
    return {
      sub: claims.sub,
      acr,
      amr: Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [],
      idToken: tokens.id_token!,
      identity: {
        given_name: text('given_name'),
        family_name: text('family_name'),
        preferred_username: text('preferred_username'),
        birthdate: text('birthdate'),
        gender: text('gender'),
        birthplace: text('birthplace'),
        birthcountry: text('birthcountry'),
        email: text('email'),
      },
    };
  }

  /** FC's `session/end` with the kept ID token, a state and the registered return address, and nothing else. */
  async endSessionUrl(idToken: string, state: string): Promise<URL> {
    const endpoint = (await this.client()).serverMetadata().end_session_endpoint;
    if (!endpoint) throw new FranceConnectFailure('fc_error', 'end_session_endpoint absent de la découverte');
    const url = new URL(endpoint);
    url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('state', state);
    url.searchParams.set('post_logout_redirect_uri', this.postLogoutRedirectUri);
    return url;
  }

  private settings(): FranceConnectConfig {
    if (!this.config.franceconnect) throw new Error('FranceConnect n’est pas configuré');
    return this.config.franceconnect;
  }

  private client(): Promise<oidcClient.Configuration> {
    const settings = this.settings();
    this.configuration ??= oidcClient
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        { id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'ES256' },
        oidcClient.ClientSecretPost(settings.clientSecret),
        {
          execute: [
            oidcClient.enableNonRepudiationChecks,
            // The local stand-in speaks plain HTTP; production refuses an http:// issuer (configuration).
            ...(settings.issuer.startsWith('http:') ? [oidcClient.allowInsecureRequests] : []),
          ],
        },
      )
      .catch((cause: unknown) => {
        this.configuration = undefined;
        throw new FranceConnectFailure('unreachable', describe(cause));
      });
    return this.configuration;
  }
}

function isResponseError(error: unknown): boolean {
  return error instanceof oidcClient.ResponseBodyError || error instanceof oidcClient.AuthorizationResponseError;
}

/** The library's message, with its code and the claim it compared when it says so. */
function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; cause?: { claim?: string } };
  return [e.code, e.cause?.claim ? `claim ${e.cause.claim}` : undefined, e.message].filter(Boolean).join(' — ');
}
