/**
 * The platform's own JSON API as a resource server (RFC 8707): its resource indicator and the scopes it understands,
 * one pair per area (DESIGN.md, "JSON API"). A client gets those of them its registration lists in `scope`.
 */
export const API_SCOPES = {
  'subscriptions:read': 'Lire les produits, les abonnements et leurs membres',
  'subscriptions:write': 'Gérer les abonnements, leurs membres et leurs codes d’accès',
  'client-space:read': 'Lire l’espace client d’un cabinet (le cabinet lié au client)',
  'client-space:write': 'Gérer l’espace client d’un cabinet (le cabinet lié au client)',
  'company-accounts:read':
    'Lire un compte entreprise principal et ses comptes secondaires (l’entreprise liée au client)',
  'company-accounts:write': 'Créer, désactiver et réactiver les comptes secondaires (l’entreprise liée au client)',
  'admin:read': 'Consulter l’administration : comptes, clients, clés, file d’envoi, journal d’audit',
  'admin:write': 'Agir sur l’administration : comptes, clients, clés, file d’envoi',
} as const;

export type ApiScope = keyof typeof API_SCOPES;

export const API_SCOPE_NAMES = Object.keys(API_SCOPES) as ApiScope[];

/**
 * The scope families that act on one thing only, and the kind of binding (`api_binding: { kind, id }`) a client needs
 * to be given them: `client-space:*` act on one firm, `company-accounts:*` on one company. Declared here once; the
 * registration of a client and the token endpoint both read it.
 */
export const API_SCOPE_BINDINGS: Readonly<Record<string, string>> = {
  'client-space': 'firm',
  'company-accounts': 'company',
};

/** The kind of binding a scope needs (`firm`, `company`), or `undefined` when it needs none. */
export function requiredBindingKind(scope: string): string | undefined {
  const family = scope.split(':')[0];
  return scope.includes(':') && Object.hasOwn(API_SCOPE_BINDINGS, family) ? API_SCOPE_BINDINGS[family] : undefined;
}

/** The first of `scopes` that `binding` does not allow (no binding, or one of another kind), with the kind it needs. */
export function unboundScope(scopes: Iterable<string>, binding: unknown): { scope: string; kind: string } | undefined {
  for (const scope of scopes) {
    const kind = requiredBindingKind(scope);
    if (kind !== undefined && (!isApiBinding(binding) || binding.kind !== kind)) return { scope, kind };
  }
  return undefined;
}

/** Scopes that are only given to a client bound to one firm (`api_binding: { kind: 'firm', id }`). */
export const FIRM_BOUND_SCOPES: readonly ApiScope[] = API_SCOPE_NAMES.filter(
  (scope) => requiredBindingKind(scope) === 'firm',
);

/** The resource indicator of the platform's API: the audience of its access tokens. */
export function platformApiResource(publicUrl: string): string {
  return `${publicUrl}/api`;
}

/** The claim of an access token that carries the client's binding (`{ kind: 'firm', id }`). */
export const API_BINDING_CLAIM = 'api_binding';

/** What a client of the API is bound to, when its scopes act on one thing only (a firm for `client-space:*`). */
export interface ApiBinding {
  kind: string;
  id: string;
}

/** `kind:id` (`firm:0b6c…`), as the command line takes it. */
export function parseApiBinding(value: string): ApiBinding | undefined {
  const match = /^([a-z][a-z0-9-]{0,31}):([A-Za-z0-9._-]{1,128})$/.exec(value);
  return match ? { kind: match[1], id: match[2] } : undefined;
}

export function isApiBinding(value: unknown): value is ApiBinding {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, id } = value as Record<string, unknown>;
  return typeof kind === 'string' && typeof id === 'string' && parseApiBinding(`${kind}:${id}`) !== undefined;
}
