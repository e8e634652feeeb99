import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import {
  API_BINDING_CLAIM,
  API_SCOPE_NAMES,
  isApiBinding,
  unboundScope,
  type ApiScope,
} from '../../platform/api/api-scopes';
import type { ResourceServerRegistry } from './resource-server.registry';

type Features = NonNullable<Configuration['features']>;

/**
 * Access tokens for resource servers (RFC 8707 resource indicators), as JWTs (RFC 9068) signed ES256 unless the API
 * was registered with another algorithm. Client-credentials tokens for an API are then not stored. Tokens for the
 * userinfo endpoint stay opaque.
 *
 * - The platform's own API (`${PUBLIC_URL}/api`) takes client-credentials tokens only; a client that asks for API
 *   scopes without `resource` gets it by default.
 * - A client gets, of the API's scopes, those its registration lists in `scope`; the scope families that act on one
 *   thing (`client-space:*` on a firm, `company-accounts:*` on a company: `API_SCOPE_BINDINGS`) also need a binding of
 *   that kind (`api_binding`), which the token carries as the `api_binding` claim. Asking for such a scope without
 *   the binding is `invalid_scope` (RFC 6749 §5.2), never a token that every call would answer with a 404. The binding
 *   is also required when a client is registered (`OidcProviderService.validateClient`); the token endpoint holds the
 *   rule for clients registered before it, or whose binding was changed since.
 */
export function resourceIndicatorsConfiguration(resources: ResourceServerRegistry): {
  resourceIndicators: Features['resourceIndicators'];
  extraTokenClaims: NonNullable<Configuration['extraTokenClaims']>;
  extraClientMetadata: NonNullable<Configuration['extraClientMetadata']>;
} {
  const builtIn = () => resources.builtIn().identifier;
  const isClientCredentials = (ctx: KoaContextWithOIDC) =>
    ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials';

  return {
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, _client, oneOf) => {
        if (oneOf || !isClientCredentials(ctx)) return undefined;
        const scope = ctx.oidc.params?.scope;
        const requested = typeof scope === 'string' ? scope.split(' ') : [];
        return requested.some((s) => API_SCOPE_NAMES.includes(s as ApiScope)) ? builtIn() : undefined;
      },
      getResourceServerInfo: async (ctx, identifier, client) => {
        const server = await resources.find(identifier);
        if (!server) throw new errors.InvalidTarget();
        if (server.builtIn && !isClientCredentials(ctx))
          throw new errors.InvalidTarget('the platform API only accepts client credentials access tokens');
        const registered = new Set((client.scope ?? '').split(' '));
        const binding: unknown = client.metadata()['api_binding'];
        if (server.builtIn) {
          const requested = ctx.oidc.params?.scope;
          const unbound = unboundScope(typeof requested === 'string' ? requested.split(' ') : [], binding);
          if (unbound)
            throw new errors.InvalidScope(
              `requested scope requires an api_binding of kind ${unbound.kind}`,
              unbound.scope,
            );
        }
        const allowed = server.scopes.filter(
          (scope) => registered.has(scope) && (!server.builtIn || !unboundScope([scope], binding)),
        );
        if (allowed.length === 0) throw new errors.InvalidTarget('client is not allowed any scope of this resource');
        return {
          scope: allowed.join(' '),
          audience: server.identifier,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: server.signingAlg } },
        };
      },
      useGrantedResource: () => false,
    },
    extraTokenClaims: (ctx, token) => {
      if (token.kind !== 'ClientCredentials' || token.resourceServer?.identifier() !== builtIn()) return undefined;
      const binding = ctx.oidc.client?.metadata()['api_binding'];
      return isApiBinding(binding) ? { [API_BINDING_CLAIM]: { kind: binding.kind, id: binding.id } } : undefined;
    },
    extraClientMetadata: {
      properties: ['api_binding'],
      // Only the binding's shape here: this also runs when a stored client is loaded, and a client registered before
      // a binding rule must keep working for its other scopes (the token endpoint refuses the unbound ones).
      validator: (_ctx, key, value) => {
        if (key !== 'api_binding') return;
        if (value !== undefined && !isApiBinding(value))
          throw new errors.InvalidClientMetadata('api_binding must be an object { kind, id }');
      },
    },
  };
}
