import type { ProviderHooks } from '../../platform/provider-hooks';

/** What each scope gives a site, in plain French, for the consent page. */
export const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'vous reconnaître quand vous revenez (un identifiant propre à la plateforme)',
  profile: 'votre nom, votre prénom et votre identifiant',
  email: 'votre adresse électronique',
  phone: 'votre numéro de téléphone',
  address: 'votre adresse postale',
  offline_access: 'garder l’accès à ces informations quand vous n’êtes pas connecté',
};

/** The standard descriptions and those of the modules' claims contributors. */
export function scopeDescriptions(hooks: ProviderHooks): Record<string, string> {
  return {
    ...SCOPE_DESCRIPTIONS,
    ...Object.fromEntries(hooks.claimsContributors.map((contributor) => [contributor.scope, contributor.description])),
  };
}
