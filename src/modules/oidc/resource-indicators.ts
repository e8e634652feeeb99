import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import {
  API_BINDING_CLAIM,
  API_SCOPE_NAMES,
  FIRM_BOUND_SCOPES,
  isApiBinding,
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
 * - A client gets, of the API's scopes, those its registration lists in `scope`; `client-space:*` also need a firm
 *   binding (`api_binding`), which the token carries as the `api_binding` claim.
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
        const bound = isApiBinding(client.metadata()['api_binding']);
        const allowed = server.scopes.filter(
          (scope) =>
            registered.has(scope) && (!server.builtIn || bound || !FIRM_BOUND_SCOPES.includes(scope as ApiScope)),
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
      validator: (_ctx, key, value, metadata) => {
        if (key !== 'api_binding') return;
        if (value !== undefined && !isApiBinding(value))
          throw new errors.InvalidClientMetadata('api_binding must be an object { kind, id }');
        const scopes = typeof metadata.scope === 'string' ? metadata.scope.split(' ') : [];
        const needsFirm = scopes.some((scope) => FIRM_BOUND_SCOPES.includes(scope as ApiScope));
        if (needsFirm && (!isApiBinding(value) || value.kind !== 'firm'))
          throw new errors.InvalidClientMetadata('client-space scopes require an api_binding of kind firm');
      },
    },
  };
}
