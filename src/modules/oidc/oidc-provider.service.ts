import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import Provider, { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import type { ApiTokenKeys } from '../../platform/api/api-access';
import { unboundScope } from '../../platform/api/api-scopes';
import { AuditService } from '../../platform/audit';
import { ExclusiveJobRunner } from '../../platform/jobs/exclusive-job.runner';
import { LOGGER } from '../../platform/logging/logger';
import { ProviderHooks } from '../../platform/provider-hooks';
import { FIRST_PARTY_CLIENTS, firstPartyClientSecret } from '../../platform/first-party-clients';
import { IdentityService } from '../identity';
import { NotificationsService, OutboxWorker } from '../notifications';
import { ClientRegistry, type ClientMetadata } from './client.registry';
import { isDatabaseUnavailable } from '../../platform/database/database-unavailable';
import { answerDatabaseOutages } from './database-outage';
import { GrantRepository } from './grant.repository';
import { providerConfiguration } from './provider-configuration';
import { ResourceServerRegistry } from './resource-server.registry';
import { SigningKeyStore } from './signing-key.store';

/** How often an instance checks whether the signing keys changed (`keys:rotate` on another instance). */
const KEY_REFRESH_MS = 30_000;

/**
 * The OpenID provider (node-oidc-provider), mounted at `/oidc`. Its state lives in PostgreSQL; its keys too, and when
 * they change the provider is rebuilt in place, so that a rotation reaches every running instance without a restart.
 */
@Injectable()
export class OidcProviderService implements OnModuleDestroy, ApiTokenKeys {
  private current: Provider | undefined;
  /** The public half of the provider's keys, for the JSON API's token checks (`platform/api`). */
  private publicKeys: JWK[] = [];
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
    private readonly grants: GrantRepository,
    private readonly hooks: ProviderHooks,
    private readonly resources: ResourceServerRegistry,
  ) {}

  /** Creates the signing keys on first start and builds the provider. Called by the application at start. */
  async start(): Promise<void> {
    if (this.current) return;
    // Application instances only (the command line does not start the provider): start hearing client changes now.
    this.clients.followChanges();
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

  /**
   * A failure outside any request: while the database is unreachable (the outage is already logged once, by the
   * outage handling), a warning with its code; anything else, an error with its stack.
   */
  private logBackgroundFailure(error: unknown, message: string): void {
    if (isDatabaseUnavailable(error))
      this.logger.warn({ code: (error as { code?: unknown }).code }, `${message} : base de données injoignable`);
    else this.logger.error({ err: error }, message);
  }

  /** Starts following key changes (application instances only, not the command line). */
  followKeyChanges(): void {
    this.timer ??= setInterval(() => {
      this.refreshKeys().catch((error: unknown) => this.logBackgroundFailure(error, 'Relecture des clés impossible'));
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

  /** The provider's published keys, without their private parts (`ApiTokenKeys`). */
  publishedKeys(): JWK[] {
    return this.publicKeys;
  }

  /** Rebuilds the provider when the published or signing keys, or the registered APIs' scopes, changed. */
  async refreshKeys(now = new Date()): Promise<boolean> {
    const { keys, fingerprint: keysFingerprint } = await this.keys.providerKeys(now);
    const apiScopes = await this.resources.allScopes();
    const fingerprint = `${keysFingerprint}|${apiScopes.join(' ')}`;
    if (fingerprint === this.fingerprint) return false;
    this.current = this.build(keys, apiScopes);
    this.publicKeys = keys.map(publicJwk);
    this.handler = this.current.callback();
    this.fingerprint = fingerprint;
    this.logger.info({ keys: fingerprint }, 'Clés de signature chargées');
    return true;
  }

  /**
   * The provider's own validation of client metadata, for the command line, which may run before the platform's first
   * start: the keys are created then, as the first start would.
   */
  /**
   * The subject of the provider session this browser holds (its session cookie), read only: a page outside the
   * authorization requests that acts for whoever is signed in at the provider (« Créer mon compte » from a session
   * opened with a subscription's access codes). `undefined` when signed out.
   */
  async sessionSubject(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
    const ctx = this.provider.createContext(req, res) as unknown as KoaContextWithOIDC;
    const session = await this.provider.Session.get(ctx);
    return session.accountId ?? undefined;
  }

  /**
   * The provider's check of a client's metadata, and the platform's rule on API bindings: a scope that acts on one
   * firm or one company (`API_SCOPE_BINDINGS`) is only registered with a binding of that kind. Called when a client is
   * registered or changed, not when a stored client is loaded (the token endpoint refuses unbound scopes then).
   */
  async validateClient(metadata: ClientMetadata): Promise<void> {
    const scopes = typeof metadata.scope === 'string' ? metadata.scope.split(' ') : [];
    const unbound = unboundScope(scopes, metadata.api_binding);
    if (unbound)
      throw new errors.InvalidClientMetadata(
        `la portée ${unbound.scope} demande un rattachement api_binding de type ${unbound.kind} (${unbound.kind}:<id>)`,
      );
    if (!this.current) {
      await this.keys.ensureKeys();
      await this.refreshKeys();
    }
    await this.provider.Client.validate(metadata);
  }

  /**
   * Around the provider's own handling, the modules' session hooks: told when an interaction resumes a session, and
   * asked, when the person's logout ended a session, whether the browser goes through another logout first (an
   * upstream provider's, such as FranceConnect's) before the provider's own destination.
   */
  private async sessionHooks(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    const route = ctx.oidc?.route;
    const session = ctx.oidc?.session;
    if (route === 'resume' && session?.uid && session.accountId) {
      const result = (ctx.oidc.entities.Interaction?.result ?? {}) as Record<string, unknown>;
      for (const hook of this.hooks.sessionHooks)
        await hook.resumed?.({ uid: session.uid, accountId: session.accountId }, result);
      return;
    }
    // Only when the session itself ended (« Se déconnecter »), not when the person stayed signed in.
    const ended = (session as { destroyed?: boolean } | undefined)?.destroyed === true;
    if (route !== 'end_session_confirm' || ctx.status !== 303 || !ended || !session?.uid) return;
    for (const hook of this.hooks.sessionHooks) {
      const detour = await hook.ended?.({ uid: session.uid }, ctx.response.get('location'));
      if (!detour) continue;
      if (detour.cookie) {
        const { name, value, options } = detour.cookie;
        ctx.cookies.set(name, value, { ...options, signed: false, overwrite: true });
      }
      ctx.status = 303;
      ctx.redirect(detour.url);
      return;
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

  private build(keys: JWK[], apiScopes: string[]): Provider {
    // Provider events fire outside any request handler: a failed audit write is logged, never left unhandled.
    const audit = {
      record: (record: Parameters<AuditService['record']>[0]) =>
        this.audit
          .record(record)
          .catch((error: unknown) => this.logBackgroundFailure(error, 'Écriture du journal d’audit impossible')),
    };
    const configuration = providerConfiguration(
      {
        config: this.config,
        logger: this.logger,
        dataSource: this.dataSource,
        clients: this.clients,
        grants: this.grants,
        identity: this.identity,
        notifications: this.notifications,
        outbox: this.outbox,
        hooks: this.hooks,
        resources: this.resources,
      },
      keys,
      apiScopes,
    );
    this.hooks.seal();
    const provider = new Provider(this.config.issuer, configuration);
    provider.proxy = this.config.http.trustProxy !== false;
    answerDatabaseOutages(provider, this.logger);
    provider.use((ctx, next) => this.sessionHooks(ctx as KoaContextWithOIDC, next));
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

/** A JWK without its private members (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2). */
function publicJwk(key: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...rest } = key as JWK & { oth?: unknown };
  return rest;
}
