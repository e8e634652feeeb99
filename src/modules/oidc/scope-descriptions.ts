import { hasMessage, t, translate } from '../../platform/i18n/i18n';
import type { ProviderHooks } from '../../platform/provider-hooks';

/** The standard scopes the consent page describes (`scopes:<scope>` in the catalogues: what each gives a site). */
const STANDARD_SCOPES = ['openid', 'profile', 'email', 'phone', 'address', 'offline_access'] as const;

/**
 * A module's description of its scope (plain French, `ClaimsContributor.description`) in the page's language: the
 * catalogue's `scopes:<scope>` when its French is the module's text word for word, else the module's text as it is.
 */
function contributedDescription(scope: string, french: string): string {
  const key = `scopes:${scope}`;
  if (!/^[a-z_]+$/.test(scope) || !hasMessage('fr', key) || translate('fr', key) !== french) return french;
  return t(key);
}

/** What each scope gives a site, in the page's language: the standard descriptions and the modules' claims contributors'. */
export function scopeDescriptions(hooks: ProviderHooks): Record<string, string> {
  return {
    ...Object.fromEntries(STANDARD_SCOPES.map((scope) => [scope, t(`scopes:${scope}`)])),
    ...Object.fromEntries(
      hooks.claimsContributors.map((contributor) => [
        contributor.scope,
        contributedDescription(contributor.scope, contributor.description),
      ]),
    ),
  };
}
