import {
  applyDecorators,
  createParamDecorator,
  Inject,
  Injectable,
  SetMetadata,
  type ExecutionContext,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request, Response } from 'express';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWK } from 'jose';
import { APP_CONFIG, type AppConfig } from '../../config';
import { ACCESS_POLICY, type AccessPolicy } from '../http/access-policy';
import { ApiError, ApiErrorCode } from './api.errors';
import { API_BINDING_CLAIM, isApiBinding, platformApiResource, type ApiBinding, type ApiScope } from './api-scopes';

/** Who calls the API: the client of the access token, its scopes, and what it is bound to (a firm, say). */
export interface ApiCaller {
  clientId: string;
  scopes: string[];
  binding: ApiBinding | undefined;
  /** The token's `jti`. */
  tokenId: string;
}

/**
 * The route belongs to the JSON API: a bearer access token for the platform's API (JWT, RFC 9068) is required, with
 * every scope listed (`area:write` also counts as `area:read`). Without a valid token: 401; without a scope: 403.
 */
export const ApiScopes = (...scopes: [ApiScope, ...ApiScope[]]) =>
  applyDecorators(SetMetadata(ACCESS_POLICY, { kind: 'api', scopes } satisfies AccessPolicy));

const API_CALLER = Symbol('api-caller');
type RequestWithCaller = Request & { [API_CALLER]?: ApiCaller };

/** The caller of an `@ApiScopes()` route: `@ApiClient() caller: ApiCaller`. */
export const ApiClient = createParamDecorator((_data: unknown, context: ExecutionContext): ApiCaller => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>()[API_CALLER];
  // A programming error: the decorator on a route that is not @ApiScopes().
  if (!caller) throw new Error('@ApiClient() demande une route @ApiScopes()');
  return caller;
});

/** The caller of the request, when an `@ApiScopes()` route let it through (interceptors, filters). */
export function apiCallerOf(req: Request): ApiCaller | undefined {
  return (req as RequestWithCaller)[API_CALLER];
}

/** Where the API finds the provider's published keys (the OpenID module provides it, from its in-memory keystore). */
export const API_TOKEN_KEYS = Symbol('API_TOKEN_KEYS');
export interface ApiTokenKeys {
  /** The public keys the provider signs with or has signed with (its JWKS); the same array while they do not change. */
  publishedKeys(): JWK[];
}

/** `area:write` includes `area:read`. */
export function scopeSatisfied(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  return required.endsWith(':read') && granted.includes(`${required.slice(0, -':read'.length)}:write`);
}

/**
 * Checks bearer access tokens of the platform's API, locally: signature with the provider's keys, `typ: at+jwt`,
 * issuer, audience (the API's resource indicator), expiry (RFC 9068 §4). Opaque tokens (userinfo's) are refused.
 */
@Injectable()
export class ApiTokenVerifier {
  private jwks: { keys: JWK[]; set: ReturnType<typeof createLocalJWKSet> } | undefined;
  readonly audience: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {
    this.audience = platformApiResource(config.publicUrl);
  }

  /** Lets the request through with its caller, or throws 401/403 with `WWW-Authenticate` set (RFC 6750 §3). */
  async authenticate(req: Request, res: Response, scopes: readonly string[]): Promise<ApiCaller> {
    const realm = `realm="${this.audience}"`;
    const header = req.headers.authorization;
    if (!header) {
      // RFC 6750 §3.1: no error code when the request carries no credentials at all.
      res.setHeader('WWW-Authenticate', `Bearer ${realm}`);
      throw new ApiError(ApiErrorCode.TOKEN_MISSING);
    }
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    const caller = match ? await this.verify(match[1]) : undefined;
    if (!caller) {
      res.setHeader('WWW-Authenticate', `Bearer ${realm}, error="invalid_token"`);
      throw new ApiError(ApiErrorCode.TOKEN_INVALID);
    }
    const missing = scopes.filter((scope) => !scopeSatisfied(caller.scopes, scope));
    if (missing.length > 0) {
      res.setHeader('WWW-Authenticate', `Bearer ${realm}, error="insufficient_scope", scope="${scopes.join(' ')}"`);
      throw new ApiError(
        ApiErrorCode.INSUFFICIENT_SCOPE,
        `Le jeton d’accès ne donne pas les droits nécessaires à cette opération (portée requise : ${missing.join(', ')}).`,
      );
    }
    (req as RequestWithCaller)[API_CALLER] = caller;
    return caller;
  }

  /** The caller a token stands for, or undefined when the token is not one of this API's. */
  async verify(token: string): Promise<ApiCaller | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.keySet(), {
        issuer: this.config.issuer,
        audience: this.audience,
        typ: 'at+jwt',
        algorithms: ['ES256', 'RS256', 'EdDSA'],
        requiredClaims: ['exp', 'iat', 'jti', 'client_id', 'sub'],
      });
      const clientId = payload.client_id;
      // Client credentials only: the subject is the client itself, never a person (RFC 9068 §2.2).
      if (typeof clientId !== 'string' || payload.sub !== clientId || typeof payload.jti !== 'string') return undefined;
      const binding = payload[API_BINDING_CLAIM];
      return {
        clientId,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        binding: isApiBinding(binding) ? { kind: binding.kind, id: binding.id } : undefined,
        tokenId: payload.jti,
      };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return undefined;
      throw error;
    }
  }

  private keySet(): ReturnType<typeof createLocalJWKSet> {
    const keys = this.moduleRef.get<ApiTokenKeys>(API_TOKEN_KEYS, { strict: false }).publishedKeys();
    if (this.jwks?.keys !== keys) this.jwks = { keys, set: createLocalJWKSet({ keys } satisfies JSONWebKeySet) };
    return this.jwks.set;
  }
}
