import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  type Type,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiTokenVerifier } from '../api/api-access';
import { PlatformError, PlatformErrorCode } from '../errors';
import { firstPartySpaceOf, spaceCookie, type FirstPartyClient } from '../first-party-clients';
import type { WebSession } from '../first-party/web-session.entity';
import { WebSessionStore } from '../first-party/web-session.store';
import { HIDDEN_MENU_ENTRIES, MenuRegistry } from '../views/menus';

export const ACCESS_POLICY = 'platform:access-policy';

/** What the guard needs of a signed-in account; modules type `@CurrentAccount()` with the richer shape they know. */
export interface SignedInAccount {
  id: string;
}

/**
 * A check a module supplies for `@Permission()`: operator roles, subscription roles, firm membership. It is an
 * ordinary injectable class (a provider of the module that owns the rule), found by its class.
 */
export interface PermissionCheck {
  allows(account: SignedInAccount, req: Request, ...args: string[]): boolean | Promise<boolean>;
}

export type AccessPolicy =
  | { kind: 'public' }
  /** Sign-in, callback, sign-out and back-channel routes of a first-party space: signed out by nature. */
  | { kind: 'first-party-endpoint' }
  | { kind: 'signed-in' }
  | { kind: 'permission'; check: Type<PermissionCheck>; args: string[] }
  /** A JSON API route: a bearer access token with these scopes (`@ApiScopes()`, `platform/api`). */
  | { kind: 'api'; scopes: string[] }
  /** The API's own documentation (`/api/docs`): readable without a token, and the only such route under `/api`. */
  | { kind: 'api-documentation' };

/** The route is open to anyone, signed in or not. Refused under the spaces and `/api` (route inventory). */
export const Public = () => SetMetadata(ACCESS_POLICY, { kind: 'public' } satisfies AccessPolicy);

/** For the first-party component's own routes only (see `first-party/first-party-sign-in.controller.ts`). */
export const FirstPartyEndpoint = () =>
  SetMetadata(ACCESS_POLICY, { kind: 'first-party-endpoint' } satisfies AccessPolicy);

/**
 * A session of the space the route lives in (`/compte`, …) is required; without one, the person is sent to that
 * space's sign-in, which brings them back to the page they asked for.
 */
export const SignedIn = () => SetMetadata(ACCESS_POLICY, { kind: 'signed-in' } satisfies AccessPolicy);

/** Signed in, and the module's check allows it: `@Permission(FirmMembership)`, `@Permission(OperatorRoles, 'support')`. */
export const Permission = (check: Type<PermissionCheck>, ...args: string[]) =>
  SetMetadata(ACCESS_POLICY, { kind: 'permission', check, args } satisfies AccessPolicy);

/** The injection token of the module that knows accounts (identity): which account ids may be signed in. */
export const SIGNED_IN_ACCOUNTS = Symbol('SIGNED_IN_ACCOUNTS');
export interface SignedInAccounts {
  /** The account if it may use a session now (active), else undefined: the session then counts for nothing. */
  findActive(accountId: string): Promise<SignedInAccount | undefined>;
  /** How the page shell's header names the signed-in person (`signedInAs` in the pages' context). */
  nameOf(account: SignedInAccount): string;
}

/** What the guard leaves on the request of a signed-in route. */
export interface SignedInContext {
  space: FirstPartyClient;
  session: WebSession;
  /** The session's cookie value (a password change keeps this session open). */
  token: string;
  account: SignedInAccount;
}
const SIGNED_IN = Symbol('signed-in');
type RequestWithSession = Request & { [SIGNED_IN]?: SignedInContext };

/** The signed-in account of a `@SignedIn()` or `@Permission()` route, typed by the parameter: `@CurrentAccount() me: Account`. */
export const CurrentAccount = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => signedInContext(context).account,
);

/** The first-party session of the route (its space, its provider `sid`, its token). */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  signedInContext(context),
);

function signedInContext(context: ExecutionContext): SignedInContext {
  const found = context.switchToHttp().getRequest<RequestWithSession>()[SIGNED_IN];
  // A programming error: the decorator on a route that is not @SignedIn() / @Permission().
  if (!found) throw new Error('@CurrentAccount() demande une route @SignedIn() ou @Permission()');
  return found;
}

/** Raised for a signed-out request to a signed-in route: pages redirect to `signInUrl`, JSON gets a 401. */
export class SignInRequired extends PlatformError {
  constructor(readonly signInUrl: string) {
    super(PlatformErrorCode.SIGN_IN_REQUIRED);
  }
}

/**
 * Every route states its access policy. A route without one is refused at run time, and the route-inventory test
 * fails, so that forgetting it never opens a route. Guards run before CSRF: a signed-out form goes to sign-in.
 */
@Injectable()
export class AccessPolicyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly sessions: WebSessionStore,
    private readonly menus: MenuRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) throw new PlatformError(PlatformErrorCode.ACCESS_DENIED);
    switch (policy.kind) {
      case 'public':
      case 'first-party-endpoint':
      case 'api-documentation':
        return true;
      case 'api': {
        const http = context.switchToHttp();
        const verifier = this.moduleRef.get(ApiTokenVerifier, { strict: false });
        await verifier.authenticate(http.getRequest<Request>(), http.getResponse<Response>(), policy.scopes);
        return true;
      }
      case 'signed-in':
        await this.signIn(context);
        return true;
      case 'permission': {
        const { account } = await this.signIn(context);
        const check = this.moduleRef.get(policy.check, { strict: false });
        const req = context.switchToHttp().getRequest<Request>();
        if (!(await check.allows(account, req, ...policy.args)))
          throw new PlatformError(PlatformErrorCode.ACCESS_DENIED);
        return true;
      }
    }
  }

  private async signIn(context: ExecutionContext): Promise<SignedInContext> {
    const req = context.switchToHttp().getRequest<RequestWithSession>();
    const space = firstPartySpaceOf(req.path);
    // A signed-in route outside every registered space has no sign-in to offer: refused (and the inventory test fails).
    if (!space) throw new PlatformError(PlatformErrorCode.ACCESS_DENIED);
    const token = (req.cookies as Record<string, unknown> | undefined)?.[spaceCookie(space, space.sessionCookie).name];
    const session = typeof token === 'string' ? await this.sessions.find(token, space.clientId) : undefined;
    const accounts = this.moduleRef.get<SignedInAccounts>(SIGNED_IN_ACCOUNTS, { strict: false });
    const account = session ? await accounts.findActive(session.accountId) : undefined;
    if (!session || !account || typeof token !== 'string') throw new SignInRequired(signInUrl(space, req));
    req[SIGNED_IN] = { space, session, token, account };
    // The menu entries shown to some accounts only (MenuEntry.shownTo), for the page about to be rendered.
    const res = context.switchToHttp().getResponse<Response>();
    res.locals[HIDDEN_MENU_ENTRIES] = await this.menus.hiddenFor(account.id);
    res.locals.signedInAs = accounts.nameOf(account);
    return req[SIGNED_IN];
  }
}

/**
 * The space's sign-in, with the page to come back to: the page asked for (query string included) on a GET; the space's
 * home after a form sent signed out, since a form cannot be replayed.
 */
function signInUrl(space: FirstPartyClient, req: Request): string {
  const back = req.method === 'GET' || req.method === 'HEAD' ? req.originalUrl : space.path;
  const base = `${space.path}/connexion`;
  return back === space.path ? base : `${base}?retour=${encodeURIComponent(back)}`;
}

/**
 * A page to come back to after sign-in: only a same-origin relative path inside the space (never `//host`, `/\host`
 * or an absolute URL, which would make the sign-in an open redirect).
 */
export function safeReturnPath(space: FirstPartyClient, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\p{Cc}]/u.test(value)) return undefined;
  const parsed = new URL(value, 'http://localhost');
  if (parsed.origin !== 'http://localhost') return undefined;
  const path = parsed.pathname;
  if (path !== space.path && !path.startsWith(`${space.path}/`)) return undefined;
  return `${path}${parsed.search}`;
}
