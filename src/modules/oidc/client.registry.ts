import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { SecretBox } from '../../platform/crypto/secret-box';
import { DatabaseNotifications } from '../../platform/database/database-notifications';
import { NotifiedCache } from '../../platform/database/notified-cache';
import { OidcClient } from './entities/oidc-client.entity';
import { OidcError, OidcErrorCode } from './oidc.errors';

export interface ClientMetadata {
  client_id: string;
  client_secret?: string;
  [name: string]: unknown;
}

/** The NOTIFY channel of the trigger on `oidc_client` (migration `oidc-client-change-notify`). */
export const CLIENT_CHANGED_CHANNEL = 'oidc_client_changed';
/** How long a client read from the database is served from memory at most (a bound, should a notification be lost). */
const CACHE_TTL_MS = 60_000;
/** How many clients are kept in memory at most (the oldest read goes first). */
const CACHE_MAX_ENTRIES = 1000;

/**
 * The relying parties, stored in the database with their secret encrypted.
 *
 * The provider reads a client at every request that names one: the metadata and the decrypted secret are kept in
 * memory (at most `CACHE_TTL_MS`, `CACHE_MAX_ENTRIES`). Any change of a client row, whatever makes it, sends a
 * PostgreSQL notification (a trigger) that makes every instance drop that client at once; this process's own changes
 * drop it here before they return. While notifications cannot be received (connection lost, being reopened), the
 * cache is bypassed. On the embedded database, used by one process only, its own changes are enough.
 */
@Injectable()
export class ClientRegistry {
  private readonly box: SecretBox;
  private readonly cache: NotifiedCache<ClientMetadata | undefined>;

  constructor(
    @InjectRepository(OidcClient) private readonly clients: Repository<OidcClient>,
    @Inject(APP_CONFIG) config: AppConfig,
    notifications: DatabaseNotifications,
  ) {
    this.box = new SecretBox(config.secretKey, 'oidc-client-secrets');
    this.cache = new NotifiedCache(notifications, CLIENT_CHANGED_CHANNEL, {
      ttlMs: CACHE_TTL_MS,
      maxEntries: CACHE_MAX_ENTRIES,
    });
  }

  /** Drops one client from this instance's memory (`undefined`: all of them). */
  forget(clientId?: string): void {
    this.cache.forget(clientId);
  }

  /**
   * Registers a client. `validate` is the provider's own check of the metadata (it throws `invalid_client_metadata`
   * with the field and the reason). A confidential client without a secret gets a generated one, returned once.
   */
  async add(
    metadata: ClientMetadata,
    validate: (metadata: ClientMetadata) => Promise<void>,
  ): Promise<{ clientId: string; clientSecret?: string }> {
    const { client_id: clientId, client_secret: given, ...rest } = metadata;
    if (await this.clients.existsBy({ clientId })) {
      throw new OidcError(OidcErrorCode.CLIENT_EXISTS, `Le client « ${clientId} » existe déjà.`);
    }
    // A public client has no secret; a `private_key_jwt` client proves itself with its keys.
    const confidential = !['none', 'private_key_jwt'].includes(rest.token_endpoint_auth_method as string);
    const clientSecret = confidential ? (given ?? randomBytes(32).toString('base64url')) : undefined;
    try {
      await validate({ ...metadata, client_secret: clientSecret });
    } catch (error) {
      const description = (error as { error_description?: string }).error_description ?? (error as Error).message;
      throw new OidcError(OidcErrorCode.INVALID_CLIENT_METADATA, `Métadonnées du client refusées : ${description}`);
    }
    await this.clients.save(
      this.clients.create({
        clientId,
        metadata: rest,
        secretSealed: clientSecret ? this.box.seal(clientSecret) : null,
      }),
    );
    this.forget(clientId);
    return { clientId, clientSecret };
  }

  /** Registers or updates a client the platform itself defines (its own sites), without the duplicate check. */
  async upsert(metadata: ClientMetadata, validate: (metadata: ClientMetadata) => Promise<void>): Promise<void> {
    const { client_id: clientId, client_secret: secret, ...rest } = metadata;
    await validate(metadata);
    await this.clients.save(
      this.clients.create({ clientId, metadata: rest, secretSealed: secret ? this.box.seal(secret) : null }),
    );
    this.forget(clientId);
  }

  /**
   * A new generated secret for a confidential client, returned once; the old one is refused from now on (the provider
   * reads the client again at each use). Refused for a public or `private_key_jwt` client.
   */
  async rotateSecret(clientId: string): Promise<string> {
    const client = await this.clients.findOneBy({ clientId });
    if (!client) throw new OidcError(OidcErrorCode.CLIENT_NOT_FOUND, `Aucun client « ${clientId} ».`);
    if (!client.secretSealed) {
      throw new OidcError(OidcErrorCode.INVALID_CLIENT_METADATA, `Le client « ${clientId} » n’a pas de secret.`);
    }
    const secret = randomBytes(32).toString('base64url');
    await this.clients.update({ clientId }, { secretSealed: this.box.seal(secret) });
    this.forget(clientId);
    return secret;
  }

  /**
   * Changes a client's metadata (not its id nor its secret), checked by the provider as at registration; returns the
   * metadata before the change. The provider reads the client again at each use: the change applies at once.
   */
  async update(
    clientId: string,
    metadata: Record<string, unknown>,
    validate: (metadata: ClientMetadata) => Promise<void>,
  ): Promise<Record<string, unknown>> {
    const client = await this.clients.findOneBy({ clientId });
    if (!client) throw new OidcError(OidcErrorCode.CLIENT_NOT_FOUND, `Aucun client « ${clientId} ».`);
    const { client_id: _id, client_secret: _secret, ...rest } = metadata;
    try {
      await validate({
        ...rest,
        client_id: clientId,
        ...(client.secretSealed ? { client_secret: this.box.open(client.secretSealed) } : {}),
      });
    } catch (error) {
      const description = (error as { error_description?: string }).error_description ?? (error as Error).message;
      throw new OidcError(OidcErrorCode.INVALID_CLIENT_METADATA, `Métadonnées du client refusées : ${description}`);
    }
    const before = client.metadata;
    client.metadata = rest;
    await this.clients.save(client);
    this.forget(clientId);
    return before;
  }

  /** Disables (or enables again) a client: while disabled, the provider does not know it. Returns whether it changed. */
  async setDisabled(clientId: string, disabled: boolean): Promise<boolean> {
    const client = await this.clients.findOneBy({ clientId });
    if (!client) throw new OidcError(OidcErrorCode.CLIENT_NOT_FOUND, `Aucun client « ${clientId} ».`);
    if ((client.disabledAt !== null) === disabled) return false;
    await this.clients.update({ clientId }, { disabledAt: disabled ? new Date() : null });
    this.forget(clientId);
    return true;
  }

  /** A client as the console shows it, disabled or not (never its secret). */
  async describe(clientId: string): Promise<{ metadata: Record<string, unknown>; disabled: boolean } | undefined> {
    const client = await this.clients.findOneBy({ clientId });
    return client ? { metadata: client.metadata, disabled: client.disabledAt !== null } : undefined;
  }

  async remove(clientId: string): Promise<void> {
    const { affected } = await this.clients.delete({ clientId });
    this.forget(clientId);
    if (!affected) throw new OidcError(OidcErrorCode.CLIENT_NOT_FOUND, `Aucun client « ${clientId} ».`);
  }

  async list(): Promise<Array<{ clientId: string; metadata: Record<string, unknown>; disabled: boolean }>> {
    return (await this.clients.find({ order: { clientId: 'ASC' } })).map(({ clientId, metadata, disabledAt }) => ({
      clientId,
      metadata,
      disabled: disabledAt !== null,
    }));
  }

  /** The metadata the provider loads, secret included (from memory when it can be trusted); nothing for a disabled client. */
  async find(clientId: string): Promise<ClientMetadata | undefined> {
    // An unknown client id is not kept: anyone can send one, and they would push the real clients out.
    const metadata = await this.cache.get(
      clientId,
      () => this.load(clientId),
      (found) => found !== undefined,
    );
    return metadata ? { ...metadata } : undefined;
  }

  /** Starts hearing the changes made elsewhere (at the application's start, or at the first read). */
  followChanges(): void {
    this.cache.follow();
  }

  private async load(clientId: string): Promise<ClientMetadata | undefined> {
    const client = await this.clients.findOneBy({ clientId });
    if (!client || client.disabledAt) return undefined;
    return {
      ...withLogoutSession(client.metadata),
      client_id: client.clientId,
      ...(client.secretSealed ? { client_secret: this.box.open(client.secretSealed) } : {}),
    };
  }
}

/**
 * A client with back-channel logout gets `sid` in its ID and logout tokens (Back-Channel Logout 1.0 §2.1, §2.4), as
 * discovery's `backchannel_logout_session_supported` promises, unless it said otherwise when registered.
 */
function withLogoutSession(metadata: Record<string, unknown>): Record<string, unknown> {
  if (!metadata.backchannel_logout_uri || metadata.backchannel_logout_session_required !== undefined) return metadata;
  return { ...metadata, backchannel_logout_session_required: true };
}
