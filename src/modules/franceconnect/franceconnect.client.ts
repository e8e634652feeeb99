import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import * as oidcClient from 'openid-client';
import { APP_CONFIG, type AppConfig, type FranceConnectConfig } from '../../config';
import { HealthRegistry } from '../../platform/health/health-registry';

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
  | 'fc_status'
  | 'signature'
  | 'claims'
  | 'acr'
  | 'unreachable';

/** Failures that come from the person or their browser, not from FC: not recorded in the health registry. */
const PERSONAL_CAUSES: FranceConnectFailureCause[] = ['access_denied', 'state', 'issuer'];

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
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthRegistry,
  ) {}

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
    try {
      const signIn = await this.exchange(callback, attempt);
      this.health.succeeded('franceconnect');
      return signIn;
    } catch (error) {
      // The person's own doing (a cancelled sign-in, a replayed or forged callback) says nothing of FC's health.
      if (!(error instanceof FranceConnectFailure && PERSONAL_CAUSES.includes(error.reason)))
        this.health.failed('franceconnect', error);
      throw error;
    }
  }

  private async exchange(callback: URL, attempt: FranceConnectAttempt): Promise<FranceConnectSignIn> {
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
      throw failureOf(cause);
    }
    const claims = tokens.claims()!;
    // The code is spent: the signature is checked here, where FC's keys can be fetched again (see `verified`).
    await this.verified(tokens.id_token!, client);
    const acr = typeof claims.acr === 'string' ? claims.acr : '';
    if (ACR_LEVELS.indexOf(acr) < ACR_LEVELS.indexOf(settings.acrValues)) {
      throw new FranceConnectFailure('acr', `acr reçu « ${acr} », attendu ${settings.acrValues} au moins`);
    }
    const userinfo = await this.userinfo(client, tokens.access_token);
    if (userinfo.sub !== claims.sub) {
      throw new FranceConnectFailure('claims', 'userinfo : sub différent de celui du jeton d’identité');
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

  /** FC's userinfo: a JWT (`application/jwt`), its signature, issuer and audience checked like the ID token's. */
  private async userinfo(client: oidcClient.Configuration, accessToken: string): Promise<JWTPayload> {
    const endpoint = client.serverMetadata().userinfo_endpoint;
    if (!endpoint) throw new FranceConnectFailure('fc_error', 'userinfo_endpoint absent de la découverte');
    let response: Response;
    try {
      response = await oidcClient.fetchProtectedResource(
        client,
        accessToken,
        new URL(endpoint),
        'GET',
        null,
        new Headers({ accept: 'application/jwt' }),
      );
    } catch (cause) {
      throw failureOf(cause);
    }
    if (!response.ok) throw new FranceConnectFailure('fc_status', `userinfo : HTTP ${response.status}`);
    return this.verified((await response.text()).trim(), client);
  }

  /**
   * Verifies a JWT of FC (ES256, FC's issuer, this client as audience) with FC's published keys. On a signature
   * failure, the keys are fetched again once before refusing: FC may have changed a key under the same `kid`, which
   * the cache (and a refetch on an unknown `kid` only) would not notice for minutes.
   */
  private async verified(jwt: string, client: oidcClient.Configuration): Promise<JWTPayload> {
    const settings = this.settings();
    const options = { issuer: settings.issuer, audience: settings.clientId, algorithms: ['ES256'] };
    const keys = this.keys(client);
    try {
      try {
        return (await jwtVerify(jwt, keys, options)).payload;
      } catch (error) {
        if (!(
          error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey
        ))
          throw error;
        await keys.reload();
        return (await jwtVerify(jwt, keys, options)).payload;
      }
    } catch (cause) {
      throw failureOf(cause);
    }
  }

  private keys(client: oidcClient.Configuration) {
    const uri = client.serverMetadata().jwks_uri;
    if (!uri) throw new FranceConnectFailure('fc_error', 'jwks_uri absent de la découverte');
    this.jwks ??= createRemoteJWKSet(new URL(uri), { cacheMaxAge: 5 * 60_000, cooldownDuration: 30_000 });
    return this.jwks;
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
          // Signatures (ID token, userinfo) are verified by `verified`, which can fetch FC's keys again.
          // The local stand-in speaks plain HTTP; production refuses an http:// issuer (configuration).
          execute: settings.issuer.startsWith('http:') ? [oidcClient.allowInsecureRequests] : [],
        },
      )
      .catch((cause: unknown) => {
        this.configuration = undefined;
        this.health.failed('franceconnect', new Error(`découverte : ${describe(cause)}`));
        throw new FranceConnectFailure('unreachable', describe(cause));
      });
    return this.configuration;
  }
}

/**
 * The real cause of a failed exchange with FC: unreachable (network, timeout), an error status, FC's refusal of the
 * code (an OAuth error), a signature that does not verify, or claims that do not match the request.
 */
function failureOf(cause: unknown): FranceConnectFailure {
  if (cause instanceof FranceConnectFailure) return cause;
  if (cause instanceof oidcClient.ResponseBodyError) return new FranceConnectFailure('token', describe(cause));
  if (cause instanceof oidcClient.AuthorizationResponseError) return new FranceConnectFailure('token', describe(cause));
  if (cause instanceof oidcClient.WWWAuthenticateChallengeError)
    return new FranceConnectFailure('fc_status', `HTTP ${cause.status} — ${describe(cause)}`);
  if (
    cause instanceof joseErrors.JWSSignatureVerificationFailed ||
    cause instanceof joseErrors.JWKSNoMatchingKey ||
    cause instanceof joseErrors.JWSInvalid
  )
    return new FranceConnectFailure('signature', describe(cause));
  if (cause instanceof joseErrors.JWTClaimValidationFailed || cause instanceof joseErrors.JWTExpired)
    return new FranceConnectFailure('claims', describe(cause));
  if (cause instanceof joseErrors.JWKSTimeout || cause instanceof joseErrors.JOSEError)
    return new FranceConnectFailure(
      cause instanceof joseErrors.JWKSTimeout ? 'unreachable' : 'signature',
      describe(cause),
    );
  const code = (cause as { code?: unknown } | null)?.code;
  if (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
    const status = (cause as { cause?: { status?: unknown } }).cause?.status;
    return new FranceConnectFailure('fc_status', `HTTP ${String(status)} — ${describe(cause)}`);
  }
  if (typeof code === 'string' && /CLAIM|TIMESTAMP|JSON_ATTRIBUTE/.test(code))
    return new FranceConnectFailure('claims', describe(cause));
  // fetch's own failure (refused, reset, DNS, timeout): FC cannot be reached.
  if (cause instanceof TypeError || (cause as { name?: unknown } | null)?.name === 'TimeoutError')
    return new FranceConnectFailure('unreachable', describe(cause) + causeCode(cause));
  return new FranceConnectFailure('claims', describe(cause));
}

function causeCode(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === 'string' ? ` (${code})` : '';
}

/** The library's message, with its code and the claim it compared when it says so. */
function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; cause?: { claim?: string } };
  return [e.code, e.cause?.claim ? `claim ${e.cause.claim}` : undefined, e.message].filter(Boolean).join(' — ');
}
