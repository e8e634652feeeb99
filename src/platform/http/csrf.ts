import { createHmac } from 'node:crypto';
import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { doubleCsrf } from 'csrf-csrf';
import type { NextFunction, Request, Response } from 'express';
import { PlatformError, PlatformErrorCode } from '../errors';
import { ACCESS_POLICY, type AccessPolicy } from './access-policy';

/** Name of the hidden form field that carries the token. */
export const CSRF_FIELD = '_csrf';

const SKIP_CSRF = 'platform:skip-csrf';
/** For a route that receives POSTs from other sites by design (an OpenID back-channel, a webhook). Rare. */
export const SkipCsrf = () => SetMetadata(SKIP_CSRF, true);

/** Injection token of the `CsrfProtection` built at boot. */
export const CSRF_PROTECTION = Symbol('CSRF_PROTECTION');

export interface CsrfProtection {
  /** Express middleware making `res.locals.csrfToken()` available to templates. */
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  isValid: (req: Request) => boolean;
}

/**
 * Signed double-submit cookie (OWASP), from `csrf-csrf`: a random value in an HttpOnly cookie, and an HMAC of it,
 * keyed with a key derived from `SECRET_KEY`, in every form. A page of another site can neither read the cookie nor
 * forge the HMAC.
 */
export function createCsrfProtection(options: { secretKey: string; https: boolean }): CsrfProtection {
  const secret = createHmac('sha256', options.secretKey).update('csrf-token-v1').digest('base64url');
  const { generateCsrfToken, validateRequest } = doubleCsrf({
    getSecret: () => secret,
    // Tokens are bound to the CSRF cookie (signed double submit). The account space's session lives in its module and
    // changes at sign-in anyway; binding tokens to it as well is a hardening left for the session work to come.
    getSessionIdentifier: () => '',
    // `__Host-` needs HTTPS; over plain HTTP (development) the cookie keeps a plain name.
    cookieName: options.https ? '__Host-csrf' : 'csrf',
    cookieOptions: { sameSite: 'lax', secure: options.https, httpOnly: true, path: '/' },
    // Forms send the token in a field, scripts in a header; each kind of request is read from its own place only.
    getCsrfTokenFromRequest: (req: Request) => {
      if (req.is('application/x-www-form-urlencoded') || req.is('multipart/form-data')) {
        const value = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
        return typeof value === 'string' ? value : undefined;
      }
      return req.get('x-csrf-token');
    },
  });
  return {
    middleware: (req, res, next) => {
      let token: string | undefined;
      res.locals.csrfToken = () => (token ??= generateCsrfToken(req, res));
      next();
    },
    isValid: (req) => validateRequest(req),
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses every state-changing request without a valid token, unless its route says `@SkipCsrf()`. */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(CSRF_PROTECTION) private readonly csrf: CsrfProtection,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method)) return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_CSRF, [context.getHandler(), context.getClass()])) return true;
    // The JSON API authenticates each request with a bearer token, never with an ambient cookie: nothing to forge.
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy?.kind === 'api') return true;
    if (!this.csrf.isValid(req)) throw new PlatformError(PlatformErrorCode.CSRF_TOKEN_INVALID);
    return true;
  }
}
