import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt, type JWK } from 'jose';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from '../../platform/audit';
import { deriveKey } from '../../platform/crypto/secret-box';
import { isDatabaseUnavailable } from '../../platform/database/database-unavailable';
import { ExclusiveJobRunner } from '../../platform/jobs/exclusive-job.runner';
import { LOGGER } from '../../platform/logging/logger';
import { FIRST_PARTY_CLIENTS, firstPartyClientSecret } from '../../platform/first-party-clients';
import { renderView } from '../../platform/views/views';
import { FranceConnectAccounts, FranceConnectFlow } from '../franceconnect';
import { IdentityService } from '../identity';
import { NotificationsService, OutboxWorker } from '../notifications';
import { ClientRegistry, type ClientMetadata } from './client.registry';
import { answerDatabaseOutages } from './database-outage';
import { PostgresAdapter } from './postgres.adapter';
import { SigningKeyStore } from './signing-key.store';

/** Standard claims per scope (OpenID Connect Core §5.4). */
export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  address: ['address'],
} as const;

/** Lifetimes, in seconds. */
const TTL = {
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  ClientCredentials: 10 * 60,
  IdToken: 60 * 60,
  Interaction: 60 * 60,
  Grant: 30 * 24 * 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  Session: 14 * 24 * 60 * 60,
};

/** How often an instance checks whether the signing keys changed (`keys:rotate` on another instance). */
const KEY_REFRESH_MS = 30_000;

/**
 * The OpenID provider (node-oidc-provider), mounted at `/oidc`. Its state lives in PostgreSQL; its keys too, and when
 * they change the provider is rebuilt in place, so that a rotation reaches every running instance without a restart.
 */
@Injectable()
export class OidcProviderService implements OnModuleDestroy {
  private current: Provider | undefined;
  /** The provider's request handler, built once per provider (Koa composes its middleware on each `callback()`). */
  private handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  private fingerprint = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly keys: SigningKeyStore,
    private readonly clients: ClientRegistry,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly jobs: ExclusiveJobRunner,
    private readonly notifications: NotificationsService,
    private readonly outbox: OutboxWorker,
    private readonly franceconnect: FranceConnectFlow,
    private readonly franceconnectAccounts: FranceConnectAccounts,
  ) {}

  /** Creates the signing keys on first start and builds the provider. Called by the application at start. */
  async start(): Promise<void> {
    if (this.current) return;
    await this.keys.ensureKeys();
    await this.refreshKeys();
    for (const site of FIRST_PARTY_CLIENTS) {
      await this.clients.upsert(
        {
          client_id: site.clientId,
          client_secret: firstPartyClientSecret(this.config.secretKey, site),
          client_name: site.name,
          redirect_uris: [`${this.config.publicUrl}${site.redirectPath}`],
          post_logout_redirect_uris: [`${this.config.publicUrl}${site.postLogoutPath}`],
          backchannel_logout_uri: `${this.config.publicUrl}${site.backchannelLogoutPath}`,
          // The ID token carries the session's `sid`: the account space keeps it to end exactly that session.
          backchannel_logout_session_required: true,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          scope: site.scope,
        },
        (metadata) => this.validateClient(metadata),
      );
    }
  }

  /** Starts following key changes (application instances only, not the command line). */
  followKeyChanges(): void {
    this.timer ??= setInterval(() => {
      this.refreshKeys().catch((error: unknown) => this.logger.error({ err: error }, 'Relecture des clés impossible'));
    }, KEY_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  get provider(): Provider {
    if (!this.current) throw new Error('Fournisseur OpenID pas encore prêt');
    return this.current;
  }

  /** The handler mounted at `/oidc`. */
  readonly callback = (req: IncomingMessage, res: ServerResponse): void => {
    if (!this.handler) throw new Error('Fournisseur OpenID pas encore prêt');
    void this.handler(req, res);
  };

  /** Rebuilds the provider when the published or signing keys changed. */
  async refreshKeys(now = new Date()): Promise<boolean> {
    const { keys, fingerprint } = await this.keys.providerKeys(now);
    if (fingerprint === this.fingerprint) return false;
    this.current = this.build(keys);
    this.handler = this.current.callback();
    this.fingerprint = fingerprint;
    this.logger.info({ keys: fingerprint }, 'Clés de signature chargées');
    return true;
  }

  /**
   * The provider's own validation of client metadata, for the command line, which may run before the platform's first
   * start: the keys are created then, as the first start would.
   */
  async validateClient(metadata: ClientMetadata): Promise<void> {
    if (!this.current) {
      await this.keys.ensureKeys();
      await this.refreshKeys();
    }
    await this.provider.Client.validate(metadata);
  }

  private async latestGrantId(accountId: string, clientId: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM oidc_payload WHERE model = 'Grant' AND payload->>'accountId' = $1 AND payload->>'clientId' = $2
         AND (expires_at IS NULL OR expires_at > now()) ORDER BY expires_at DESC NULLS LAST LIMIT 1`,
      [accountId, clientId],
    );
    return rows[0]?.id;
  }

  /**
   * Around the provider's own handling: after a FranceConnect sign-in resumes, the FC ID token is kept for this
   * session; after this session's logout, the browser goes through FC's `session/end` before the provider's own
   * destination (the site's post-logout URI, or the « déconnecté » page). The local session is already gone then, so
   * whatever happens at FC, nobody stays signed in here.
   */
  private async franceconnectSessions(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    const route = ctx.oidc?.route;
    const session = ctx.oidc?.session;
    if (route === 'resume' && session?.uid && session.accountId) {
      const result = ctx.oidc.entities.Interaction?.result as { franceconnect?: { idToken?: string } } | undefined;
      const idToken = result?.franceconnect?.idToken;
      if (idToken) await this.franceconnectAccounts.rememberSession(session.uid, session.accountId, idToken);
      return;
    }
    // Only when the session itself ended (« Se déconnecter »), not when the person stayed signed in.
    const ended = (session as { destroyed?: boolean } | undefined)?.destroyed === true;
    if (route !== 'end_session_confirm' || ctx.status !== 303 || !ended || !session?.uid) return;
    const kept = await this.franceconnectAccounts.takeSession(session.uid);
    if (!kept || !this.franceconnect.enabled) return;
    const destination = ctx.response.get('location');
    try {
      const { url, cookie } = await this.franceconnect.logout(kept.idToken, destination);
      const options = this.franceconnect.logoutCookieOptions;
      ctx.cookies.set(cookie.name, cookie.value, { ...options, signed: false, overwrite: true });
      ctx.status = 303;
      ctx.redirect(url.toString());
      await this.audit.record({
        actor: { type: 'account', id: kept.accountId },
        action: 'franceconnect.logout.started',
        outcome: 'success',
      });
    } catch (error) {
      // FC unreachable: the platform's logout is done; the person goes on without FC's.
      this.logger.warn({ err: error }, 'Déconnexion de FranceConnect impossible');
    }
  }

  @Cron(CronExpression.EVERY_10_MINUTES)
  async purgeExpired(): Promise<void> {
    await this.jobs.run('oidc.payload.purge', async (manager) => {
      await manager.query('DELETE FROM oidc_payload WHERE expires_at < now()');
      await manager.query(
        `DELETE FROM oidc_session_device d
         WHERE NOT EXISTS (SELECT 1 FROM oidc_payload p WHERE p.model = 'Session' AND p.uid = d.session_uid)`,
      );
    });
  }

  private build(keys: JWK[]): Provider {
    const identity = this.identity;
    // Provider events fire outside any request handler: a failed audit write is logged, never left unhandled.
    const audit = {
      record: (record: Parameters<AuditService['record']>[0]) =>
        this.audit
          .record(record)
          .catch((error: unknown) => this.logger.error({ err: error }, 'Écriture du journal d’audit impossible')),
    };
    const configuration: Configuration = {
      adapter: (name: string) => new PostgresAdapter(name, this.dataSource, this.clients),
      clients: [],
      jwks: { keys: keys },
      async findAccount(_ctx, sub) {
        const account = await identity.findById(sub);
        if (!account || account.status !== 'active') return undefined;
        return {
          accountId: account.id,
          async claims() {
            return {
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
      },
      claims: {
        acr: null,
        auth_time: null,
        sid: null,
        ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([scope, claims]) => [scope, [...claims]])),
        // How the person authenticated (OpenID Connect Core §2), in every ID token: `amr`, and `acr` (`eidas1`) after
        // a FranceConnect sign-in; relying parties such as FranceConnect-aware sites depend on them.
        openid: ['sub', 'amr', 'acr'],
      },
      scopes: ['openid', 'offline_access', 'profile', 'email', 'phone', 'address'],
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
        keys: [deriveKey(this.config.secretKey, 'oidc-cookies')],
        long: { httpOnly: true, sameSite: 'lax' },
        short: { httpOnly: true, sameSite: 'lax' },
      },
      interactions: { policy: signInPolicy(), url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      // The levels the platform can vouch for: `eidas1` after a FranceConnect sign-in (nothing for a password).
      acrValues: ['eidas1'],
      // `idp_hint=franceconnect`: the sign-in page goes straight to FranceConnect (the registration page's button).
      extraParams: ['idp_hint'],
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
          (await this.latestGrantId(accountId, clientId));
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
          await this.notifications.enqueueWebhook(this.dataSource.manager, {
            url: url instanceof Request ? url.url : url instanceof URL ? url.href : url,
            body: body.toString(),
            contentType: 'application/x-www-form-urlencoded',
            expiresAt: exp ? new Date(exp * 1000) : undefined,
            idempotencyKey: jti ? `backchannel-logout:${jti}` : undefined,
          });
          // The person may go to the site right away: do not wait for the next poll.
          this.outbox.nudge();
          return new Response(null, { status: 204 });
        }
        if (!this.config.isProduction && isLoopback(new URL(url).hostname)) {
          const { dispatcher: _dispatcher, ...rest } = options as RequestInit & { dispatcher?: unknown };
          return fetch(url, rest);
        }
        return fetch(url, options);
      },
      features: {
        devInteractions: { enabled: false },
        claimsParameter: { enabled: true },
        clientCredentials: { enabled: true },
        backchannelLogout: { enabled: true },
        introspection: {
          enabled: true,
          // A client introspects only the tokens issued to itself.
          allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
        },
        revocation: {
          enabled: true,
          allowedPolicy: async (_ctx, client, token) => token.clientId === client.clientId,
        },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            const client = ctx.oidc.client;
            ctx.type = 'html';
            ctx.body = renderView('modules/oidc/views/logout.njk', {
              title: 'Déconnexion',
              form,
              clientName: client?.clientName ?? client?.clientId,
            });
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.type = 'html';
            ctx.body = renderView('modules/oidc/views/logged-out.njk', { title: 'Vous êtes déconnecté' });
          },
        },
      },
      renderError: async (ctx, out, error) => {
        // A database outage is reported once by answerDatabaseOutages, not once per request.
        if (!isDatabaseUnavailable(error))
          this.logger.info({ error: out.error, description: out.error_description }, 'Erreur du fournisseur OpenID');
        ctx.type = 'html';
        ctx.body = renderView('modules/oidc/views/provider-error.njk', {
          title: 'La connexion n’a pas pu aboutir',
          ...describeProviderError(out.error, error),
          requestId: ctx.get('x-request-id') || undefined,
        });
      },
    };
    const provider = new Provider(this.config.issuer, configuration);
    provider.proxy = this.config.http.trustProxy !== false;
    answerDatabaseOutages(provider, this.logger);
    provider.use((ctx, next) => this.franceconnectSessions(ctx as KoaContextWithOIDC, next));
    provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
      void audit.record({
        actor: { type: 'account', id: ctx.oidc.session?.accountId ?? null },
        action: 'oidc.session.ended',
        target: { type: 'client', id: ctx.oidc.client?.clientId ?? null },
        outcome: 'success',
      });
    });
    provider.on('backchannel.error', (_ctx: KoaContextWithOIDC, error: Error, client: { clientId: string }) => {
      this.logger.warn({ err: error, clientId: client.clientId }, 'Déconnexion par canal arrière non mise en file');
      void audit.record({
        actor: { type: 'system' },
        action: 'oidc.backchannel_logout.failed',
        target: { type: 'client', id: client.clientId },
        outcome: 'failure',
        details: { reason: error.message },
      });
    });
    provider.on('grant.revoked', (_ctx: KoaContextWithOIDC, grantId: string) => {
      void audit.record({
        actor: { type: 'system' },
        action: 'oidc.grant.revoked',
        target: { type: 'grant', id: grantId },
        outcome: 'success',
      });
    });
    return provider;
  }
}

/**
 * The provider's default prompts, plus one: a site that asks `acr_values=eidas1` gets a sign-in again unless the
 * session itself came from FranceConnect at that level (`acr_values` is voluntary in OpenID Connect; here it is not).
 */
function signInPolicy() {
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('franceconnect_required', 'A FranceConnect (eidas1) sign-in is required', (ctx) => {
      const asked = ctx.oidc.params?.acr_values;
      const required = typeof asked === 'string' && asked.split(' ').includes('eidas1');
      return required && ctx.oidc.session?.acr !== 'eidas1'
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** A French explanation of the provider's error codes (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6). */
function describeProviderError(code: string, error: Error): { message: string; code: string } {
  const messages: Record<string, string> = {
    invalid_request: 'La demande de connexion envoyée par le site est incorrecte.',
    invalid_client: 'Le site qui vous a envoyé ici n’est pas reconnu par la plateforme.',
    invalid_redirect_uri:
      'L’adresse de retour demandée par le site n’est pas enregistrée : par sécurité, vous n’y êtes pas renvoyé.',
    unauthorized_client: 'Ce site n’est pas autorisé à faire cette demande.',
    unsupported_response_type: 'Ce type de demande n’est pas pris en charge.',
    invalid_scope: 'Le site demande des informations que la plateforme ne fournit pas.',
    session_not_found: 'Votre demande de connexion a expiré. Retournez sur le site d’où vous venez pour recommencer.',
  };
  void error;
  return {
    code,
    message:
      messages[code] ?? 'La demande n’a pas pu être traitée. Retournez sur le site d’où vous venez et réessayez.',
  };
}
