import type { FindAccount } from 'oidc-provider';
import type { ProviderHooks } from '../../platform/provider-hooks';
import type { IdentityService } from '../identity';

/** Standard claims per scope (OpenID Connect Core §5.4). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
} as const;

/**
 * The provider's `findAccount`: an active account, still allowed on the site that asks (the access checks, at the
 * token and userinfo endpoints); its standard claims, then those of the modules' contributors for the scopes granted, computed for the site that asks (ID token at the token endpoint, userinfo). The provider keeps only
 * the claims of the granted scopes (and of the `claims` parameter).
 */
export function findAccount(identity: IdentityService, hooks: ProviderHooks): FindAccount {
  return async (ctx, sub) => {
    const clientId = ctx.oidc.client?.clientId;
    // A shared subject (a subscription's access codes): no person behind it, so no personal claim, only the
    // contributors' (the `subscriptions` claim with `"shared": true`). Never looked up as an account.
    const shared = hooks.sharedSourceOf(sub);
    if (shared) {
      if (!(await shared.stands(sub))) return undefined;
      if (clientId && (ctx.oidc.route === 'token' || ctx.oidc.route === 'userinfo')) {
        if (await refusedByAccessChecks(hooks, sub, clientId)) return undefined;
      }
      return {
        accountId: sub,
        async claims(_use, scope) {
          return { ...(await contributedClaims(hooks, sub, clientId, scope)), sub };
        },
      };
    }
    const account = await identity.findById(sub);
    if (!account || account.status !== 'active') return undefined;
    // A site the person may no longer reach gets no more tokens (code or refresh token) nor userinfo with those it
    // holds: the access checks run here too, not only at sign-in (`invalid_grant`, `invalid_token`).
    if (clientId && (ctx.oidc.route === 'token' || ctx.oidc.route === 'userinfo')) {
      if (await refusedByAccessChecks(hooks, account.id, clientId)) return undefined;
    }
    return {
      accountId: account.id,
      async claims(_use, scope) {
        return {
          ...(await contributedClaims(hooks, account.id, clientId, scope)),
          sub: account.id,
          name: [account.givenName, account.familyName].filter(Boolean).join(' ') || undefined,
          given_name: account.givenName ?? undefined,
          family_name: account.familyName ?? undefined,
          preferred_username: account.identifier,
          email: account.email,
          email_verified: account.emailVerified,
        };
      },
    };
  };
}

/** Whether one of the modules' access checks refuses this account on this site. */
async function refusedByAccessChecks(hooks: ProviderHooks, accountId: string, clientId: string): Promise<boolean> {
  for (const rule of hooks.accessChecksFor(accountId)) if (await rule.check({ accountId, clientId })) return true;
  return false;
}

/**
 * Whether a token issued to `clientId` for `accountId` still stands at introspection: the account is active and the
 * access checks still let it in (the same rules as at the token and userinfo endpoints), so a resource server that
 * introspects learns at once that a disabled or removed person's token is no longer good.
 */
export async function tokenAccountStillAllowed(
  identity: IdentityService,
  hooks: ProviderHooks,
  accountId: string,
  clientId: string,
): Promise<boolean> {
  // A shared subject (access codes) is not an account: it stands while its source says so.
  const shared = hooks.sharedSourceOf(accountId);
  if (shared) return (await shared.stands(accountId)) && !(await refusedByAccessChecks(hooks, accountId, clientId));
  const account = await identity.findById(accountId);
  if (!account || account.status !== 'active') return false;
  return !(await refusedByAccessChecks(hooks, account.id, clientId));
}

/** The claims of the modules' contributors for the granted scopes, computed for the site that asks. */
async function contributedClaims(
  hooks: ProviderHooks,
  accountId: string,
  clientId: string | undefined,
  scope: string | undefined,
): Promise<Record<string, unknown>> {
  const granted = new Set((scope ?? '').split(' '));
  const contributed: Record<string, unknown> = {};
  if (!clientId) return contributed;
  for (const contributor of hooks.claimsContributorsFor(accountId)) {
    if (!granted.has(contributor.scope)) continue;
    const claims = await contributor.claimsFor({ accountId, clientId });
    for (const name of contributor.claims) if (name in claims) contributed[name] = claims[name];
  }
  return contributed;
}

/** The `claims` configuration: standard scopes and the contributors' ones (discovery lists them all). */
export function claimsConfiguration(hooks: ProviderHooks): Record<string, string[] | null> {
  return {
    acr: null,
    auth_time: null,
    sid: null,
    ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
    // How the person authenticated (OpenID Connect Core §2), in every ID token: `amr`, and `acr` (`eidas1`) after
    // a FranceConnect sign-in; relying parties such as FranceConnect-aware sites depend on them.
    // The contributors' claims are listed under `openid` too: in the code flow the ID token carries only the `openid`
    // scope's claims (`conformIdTokenClaims`), and they belong in it; `findAccount` returns them only when their own
    // scope was granted, so a site that did not ask for it never gets them.
    openid: ['sub', 'amr', 'acr', ...hooks.claimsContributors.flatMap((c) => c.claims)],
    ...Object.fromEntries(hooks.claimsContributors.map((c) => [c.scope, [...c.claims]])),
  };
}

/** The scopes the provider knows: the standard ones and the contributors'. */
export function supportedScopes(hooks: ProviderHooks): string[] {
  return [
    'openid',
    'offline_access',
    'profile',
    'email',
    'phone',
    'address',
    ...hooks.claimsContributors.map((c) => c.scope),
  ];
}
