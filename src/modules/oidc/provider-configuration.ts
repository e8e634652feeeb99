import { decodeJwt, type JWK } from 'jose';
import type { Configuration } from 'oidc-provider';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config';
import { deriveKey } from '../../platform/crypto/secret-box';
import { isDatabaseUnavailable } from '../../platform/database/database-unavailable';
import { FIRST_PARTY_CLIENTS } from '../../platform/first-party-clients';
import type { ProviderHooks } from '../../platform/provider-hooks';
import { renderView } from '../../platform/views/views';
import { firstSupportedLocale, LOCALES, t, useLocale } from '../../platform/i18n/i18n';
import type { IdentityService } from '../identity';
import type { NotificationsService, OutboxWorker } from '../notifications';
import { claimsConfiguration, findAccount, supportedScopes, tokenAccountStillAllowed } from './account-claims';
import type { ClientRegistry } from './client.registry';
import type { GrantRepository } from './grant.repository';
import { INTERACTION_TTL } from './interaction-lifetime';
import { PostgresAdapter } from './postgres.adapter';
import { resourceIndicatorsConfiguration } from './resource-indicators';
import type { ResourceServerRegistry } from './resource-server.registry';
import { signInPolicy } from './sign-in-policy';

/** Lifetimes, in seconds. */
const TTL = {
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  ClientCredentials: 10 * 60,
  IdToken: 60 * 60,
  Interaction: INTERACTION_TTL.unused,
  Grant: 30 * 24 * 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Session: 14 * 24 * 60 * 60,
};

/** What the provider's configuration reads and calls: services, and the modules' hooks. */
export interface ProviderDependencies {
  config: AppConfig;
  logger: Logger;
  dataSource: DataSource;
  clients: ClientRegistry;
  grants: GrantRepository;
  identity: IdentityService;
  notifications: NotificationsService;
  outbox: OutboxWorker;
  hooks: ProviderHooks;
  resources: ResourceServerRegistry;
}

/**
 * The provider's configuration (node-oidc-provider 9), built from its dependencies and the modules' hooks (access
 * checks in the interaction policy, claims contributors in `claims`, `scopes` and `findAccount`). No state of its own:
 * the provider is rebuilt from it when the keys change.
 */
export function providerConfiguration(
  deps: ProviderDependencies,
  keys: JWK[],
  apiScopes: string[] = [],
): Configuration {
  const { config, logger, dataSource, clients, grants, identity, notifications, outbox, hooks } = deps;
  // Resource servers (RFC 8707) and JWT access tokens (RFC 9068): resource-indicators.ts.
  const apis = resourceIndicatorsConfiguration(deps.resources);
  return {
    adapter: (name: string) => new PostgresAdapter(name, dataSource, clients),
    clients: [],
    jwks: { keys: keys },
    findAccount: findAccount(identity, hooks),
    claims: claimsConfiguration(hooks),
    // The APIs' scopes too, so that a client can be registered with them (`scope`).
    scopes: [...new Set([...supportedScopes(hooks), ...apiScopes])],
    extraTokenClaims: apis.extraTokenClaims,
    extraClientMetadata: apis.extraClientMetadata,
    responseTypes: ['code'],
    // RFC 9700 §2.1.1: PKCE (S256, the only method this provider supports) for every client.
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'ES256', 'EdDSA'],
      userinfoSigningAlgValues: ['RS256', 'ES256', 'EdDSA'],
      introspectionSigningAlgValues: ['RS256', 'ES256', 'EdDSA'],
      authorizationSigningAlgValues: ['RS256', 'ES256', 'EdDSA'],
    },
    ttl: TTL,
    // Every refresh token is single-use; replaying a used one revokes the whole grant.
    rotateRefreshToken: () => true,
    cookies: {
      keys: [deriveKey(config.secretKey, 'oidc-cookies')],
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    interactions: { policy: signInPolicy(hooks), url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // The levels the platform can vouch for: `eidas1` after a FranceConnect sign-in (nothing for a password).
    acrValues: ['eidas1'],
    // `idp_hint=franceconnect`: the sign-in page goes straight to FranceConnect (the registration page's button).
    extraParams: ['idp_hint'],
    // The sign-in pages speak French (default) or English: `ui_locales=en` (docs/i18n.md).
    discovery: { claim_types_supported: ['normal'], ui_locales_supported: [...LOCALES] },
    // CORS on the provider's endpoints only for the origins of the site's own redirect URIs (browser-based clients).
    clientBasedCORS: (_ctx, origin, client) =>
      client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
    // Consent is remembered per site across sessions; the platform's own sites never ask for it.
    loadExistingGrant: async (ctx) => {
      const clientId = ctx.oidc.client!.clientId;
      const accountId = ctx.oidc.session!.accountId!;
      const { Grant } = ctx.oidc.provider;
      const grantId =
        ctx.oidc.result?.consent?.grantId ??
        ctx.oidc.session!.grantIdFor(clientId) ??
        (await grants.latestFor(accountId, clientId));
      if (grantId) {
        const grant = await Grant.find(grantId);
        if (grant && grant.accountId === accountId) return grant;
      }
      if (!FIRST_PARTY_CLIENTS.some((site) => site.clientId === clientId)) return undefined;
      const grant = new Grant({ accountId, clientId });
      const scope = ctx.oidc.params?.scope;
      grant.addOIDCScope(typeof scope === 'string' ? scope : 'openid');
      await grant.save();
      return grant;
    },
    // Back-channel logout tokens go through the outbox (webhook channel): retried with backoff until their expiry,
    // instead of a single 2.5 s attempt. Other outgoing requests (jwks_uri, ...) are made here: the provider refuses
    // special-use addresses (SSRF); outside production, loopback is let through for the tests and the demo site.
    fetch: async (url, options) => {
      const body = options?.body instanceof URLSearchParams ? options.body : undefined;
      const logoutToken = body?.get('logout_token');
      if (options?.method === 'POST' && body && logoutToken) {
        const { exp, jti } = decodeJwt(logoutToken);
        await notifications.enqueueWebhook(dataSource.manager, {
          url: url instanceof Request ? url.url : url instanceof URL ? url.href : url,
          body: body.toString(),
          contentType: 'application/x-www-form-urlencoded',
          expiresAt: exp ? new Date(exp * 1000) : undefined,
          idempotencyKey: jti ? `backchannel-logout:${jti}` : undefined,
        });
        // The person may go to the site right away: do not wait for the next poll.
        outbox.nudge();
        return new Response(null, { status: 204 });
      }
      if (!config.isProduction && isLoopback(new URL(url).hostname)) {
        const { dispatcher: _dispatcher, ...rest } = options as RequestInit & { dispatcher?: unknown };
        return fetch(url, rest);
      }
      return fetch(url, options);
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      clientCredentials: { enabled: true },
      resourceIndicators: apis.resourceIndicators,
      backchannelLogout: { enabled: true },
      introspection: {
        enabled: true,
        // A client introspects only the tokens issued to itself, and a person's token is active only while the account
        // is and the access checks still let it in on that site.
        allowedPolicy: async (_ctx, client, token) => {
          if (token.clientId !== client.clientId) return false;
          const accountId = 'accountId' in token ? token.accountId : undefined;
          return !accountId || tokenAccountStillAllowed(identity, hooks, accountId, client.clientId);
        },
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          const client = ctx.oidc.client;
          const requested = firstSupportedLocale(ctx.oidc.params?.ui_locales);
          if (requested) useLocale(requested, { fixed: true });
          ctx.type = 'html';
          ctx.body = renderView('modules/oidc/views/logout.njk', {
            title: t('oidc:logout.title'),
            form,
            clientName: client?.clientName ?? client?.clientId,
          });
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.type = 'html';
          ctx.body = renderView('platform/views/signed-out.njk', { title: t('shell:signedOut.title') });
        },
      },
    },
    renderError: async (ctx, out, error) => {
      // A database outage is reported once by answerDatabaseOutages, not once per request.
      if (!isDatabaseUnavailable(error))
        logger.info({ error: out.error, description: out.error_description }, 'Erreur du fournisseur OpenID');
      ctx.type = 'html';
      ctx.body = renderView('modules/oidc/views/provider-error.njk', {
        title: t('oidc:error.title'),
        ...describeProviderError(out.error, error),
        requestId: ctx.get('x-request-id') || undefined,
      });
    },
  };
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The provider's error codes (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6) explained (catalogue `oidc:error`). */
const EXPLAINED_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_redirect_uri',
  'unauthorized_client',
  'unsupported_response_type',
  'invalid_scope',
  'session_not_found',
]);

function describeProviderError(code: string, error: Error): { message: string; code: string } {
  void error;
  return { code, message: t(`oidc:error.messages.${EXPLAINED_ERRORS.has(code) ? code : 'other'}`) };
}
