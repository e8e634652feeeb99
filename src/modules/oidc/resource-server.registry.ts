import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { API_SCOPE_NAMES, platformApiResource } from '../../platform/api/api-scopes';
import { DatabaseNotifications } from '../../platform/database/database-notifications';
import { NotifiedCache } from '../../platform/database/notified-cache';
import { ClientRegistry } from './client.registry';
import { OidcResourceServer } from './entities/oidc-resource-server.entity';
import { OidcError, OidcErrorCode } from './oidc.errors';
import { SIGNING_ALGS, type SigningAlg } from './signing-key.store';

export interface ResourceServerRecord {
  identifier: string;
  name: string;
  scopes: string[];
  signingAlg: SigningAlg;
  /** The platform's own API: always there, not stored, not removable. */
  builtIn: boolean;
}

export interface NewResourceServer {
  identifier: string;
  name: string;
  scopes: string[];
  signingAlg?: string;
}

/** Scopes the provider gives a meaning of its own (OpenID Connect Core §5.4, §11): never an API's. */
const RESERVED_SCOPES = new Set(['openid', 'offline_access', 'profile', 'email', 'phone', 'address']);
/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/;

/** Sent by the trigger of migration `oidc-resource-server-change-notify` with the API's identifier. */
export const RESOURCE_SERVER_CHANGED_CHANNEL = 'oidc_resource_server_changed';

/**
 * The APIs tokens can be asked for (RFC 8707): the platform's own, and those registered by operators. Each token
 * request for an API reads it: registered APIs (and unknown identifiers) are kept in memory, at most 60 s and 1,000,
 * and dropped on every instance when the row changes (the clients' mechanism, `NotifiedCache`).
 */
@Injectable()
export class ResourceServerRegistry {
  private readonly cache: NotifiedCache<ResourceServerRecord | undefined>;

  constructor(
    @InjectRepository(OidcResourceServer) private readonly servers: Repository<OidcResourceServer>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientRegistry,
    notifications: DatabaseNotifications,
  ) {
    this.cache = new NotifiedCache(notifications, RESOURCE_SERVER_CHANGED_CHANNEL, {
      ttlMs: 60_000,
      maxEntries: 1000,
    });
  }

  /** The platform's JSON API, `${PUBLIC_URL}/api`. */
  builtIn(): ResourceServerRecord {
    return {
      identifier: platformApiResource(this.config.publicUrl),
      name: 'API de la plateforme',
      scopes: [...API_SCOPE_NAMES],
      signingAlg: 'ES256',
      builtIn: true,
    };
  }

  async find(identifier: string): Promise<ResourceServerRecord | undefined> {
    const builtIn = this.builtIn();
    if (identifier === builtIn.identifier) return builtIn;
    if (identifier.length > 2048) return undefined;
    return this.cache.get(identifier, async () => {
      const found = await this.servers.findOneBy({ identifier });
      return found ? toRecord(found) : undefined;
    });
  }

  /** The built-in API first, then the registered ones by identifier. */
  async list(): Promise<ResourceServerRecord[]> {
    const stored = await this.servers.find({ order: { identifier: 'ASC' } });
    return [this.builtIn(), ...stored.map(toRecord)];
  }

  /** Every scope of every API: the provider accepts them in clients' `scope`. */
  async allScopes(): Promise<string[]> {
    return [...new Set((await this.list()).flatMap((server) => server.scopes))].sort();
  }

  async add(input: NewResourceServer): Promise<ResourceServerRecord> {
    const identifier = checkIdentifier(input.identifier);
    if (identifier === this.builtIn().identifier || (await this.servers.existsBy({ identifier })))
      throw new OidcError(OidcErrorCode.RESOURCE_SERVER_EXISTS, `L’API « ${identifier} » est déjà enregistrée.`);
    const name = input.name.trim();
    if (!name || name.length > 200 || /\p{Cc}/u.test(name))
      throw invalid('Le nom est obligatoire (200 caractères au plus, sans caractère de contrôle).');
    const scopes = [...new Set(input.scopes.flatMap((scope) => scope.split(' ')).filter(Boolean))];
    if (scopes.length === 0) throw invalid('Donnez au moins une portée (--scope).');
    for (const scope of scopes) {
      if (!SCOPE_TOKEN.test(scope)) throw invalid(`La portée « ${scope} » contient des caractères interdits.`);
      if (RESERVED_SCOPES.has(scope))
        throw invalid(`La portée « ${scope} » est réservée à OpenID Connect : choisissez un autre nom.`);
    }
    const signingAlg = input.signingAlg ?? 'ES256';
    if (!SIGNING_ALGS.includes(signingAlg as SigningAlg))
      throw invalid(`Algorithme de signature inconnu « ${signingAlg} » : ${SIGNING_ALGS.join(', ')}.`);
    const saved = await this.servers.save(this.servers.create({ identifier, name, scopes, signingAlg }));
    this.cache.forget(identifier);
    return toRecord(saved);
  }

  /** Refused while a client is registered with one of its scopes (the provider would then refuse that client). */
  async remove(identifier: string): Promise<void> {
    if (identifier === this.builtIn().identifier) throw invalid('L’API de la plateforme ne peut pas être supprimée.');
    const server = await this.find(identifier);
    if (server) {
      const others = new Set((await this.list()).filter((s) => s.identifier !== identifier).flatMap((s) => s.scopes));
      const own = new Set(server.scopes.filter((scope) => !others.has(scope)));
      const users = (await this.clients.list())
        .filter(
          ({ metadata }) => typeof metadata.scope === 'string' && metadata.scope.split(' ').some((s) => own.has(s)),
        )
        .map(({ clientId }) => clientId);
      if (users.length > 0)
        throw invalid(
          `Des clients ont encore les portées de cette API (${users.join(', ')}) : retirez-les ou supprimez ces clients d’abord.`,
        );
    }
    const { affected } = identifier.length > 2048 ? { affected: 0 } : await this.servers.delete({ identifier });
    this.cache.forget(identifier);
    if (!affected)
      throw new OidcError(OidcErrorCode.RESOURCE_SERVER_NOT_FOUND, `Aucune API enregistrée sous « ${identifier} ».`);
  }
}

function toRecord(server: OidcResourceServer): ResourceServerRecord {
  return {
    identifier: server.identifier,
    name: server.name,
    scopes: server.scopes,
    signingAlg: server.signingAlg as SigningAlg,
    builtIn: false,
  };
}

function invalid(message: string): OidcError {
  return new OidcError(OidcErrorCode.INVALID_RESOURCE_SERVER, message);
}

/** RFC 8707 §2: an absolute URI, without fragment; http(s) only here. */
function checkIdentifier(value: string): string {
  const url = URL.parse(value);
  if (!url || !['https:', 'http:'].includes(url.protocol) || value.length > 2048)
    throw invalid(`« ${value} » n’est pas une adresse absolue (https://…) utilisable comme identifiant d’API.`);
  if (value.includes('#')) throw invalid('L’identifiant d’une API ne doit pas contenir de fragment (#…).');
  return value;
}
