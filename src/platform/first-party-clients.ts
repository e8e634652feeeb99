import { deriveKey } from './crypto/secret-box';

/**
 * The platform's own sites (the account space, and later the client space, the firm's space and the console) are
 * relying parties of its provider, like any outside site (DESIGN.md). Each one registers here with its name, path and
 * scopes (through `FirstPartySpaceModule.register()`); the provider registers them all at start, and the first-party
 * component signs people in to them over HTTP. Their secret is derived from SECRET_KEY, so both sides know it without
 * storing it twice.
 */
export interface FirstPartySpace {
  clientId: string;
  /** Shown by the provider (« Vous êtes connecté à … »). */
  name: string;
  /** Where the space is mounted, e.g. `/compte`; its sign-in routes live under it. */
  path: string;
  scope: string;
}

export interface FirstPartyClient extends FirstPartySpace {
  redirectPath: string;
  postLogoutPath: string;
  backchannelLogoutPath: string;
  /** The session cookie (path-scoped to the space), and the one of a sign-in under way. */
  sessionCookie: string;
  pendingCookie: string;
}

const registry: FirstPartyClient[] = [];

/** Every first-party site registered so far, in registration order. */
export const FIRST_PARTY_CLIENTS: readonly FirstPartyClient[] = registry;

/** Adds a space to the registry (idempotent for the same definition); returns its full settings. */
export function registerFirstPartyClient(space: FirstPartySpace): FirstPartyClient {
  if (!/^(\/[a-z0-9-]+)+$/.test(space.path)) throw new Error(`Chemin d’espace invalide : ${space.path}`);
  const known = registry.find((c) => c.clientId === space.clientId || c.path === space.path);
  if (known) {
    if (known.clientId !== space.clientId || known.path !== space.path || known.scope !== space.scope) {
      throw new Error(`Espace déjà enregistré autrement : ${space.clientId} (${space.path})`);
    }
    return known;
  }
  const base = space.path.slice(1).replaceAll('/', '_').replaceAll('-', '_');
  const client: FirstPartyClient = {
    ...space,
    redirectPath: `${space.path}/connexion/retour`,
    postLogoutPath: `${space.path}/deconnexion/terminee`,
    backchannelLogoutPath: `${space.path}/deconnexion/canal-arriere`,
    sessionCookie: `${base}_session`,
    pendingCookie: `${base}_connexion`,
  };
  registry.push(client);
  return client;
}

let httpsCookies = false;

/** Called once at boot with whether `PUBLIC_URL` is HTTPS: the spaces' cookies then take the `__Host-` prefix. */
export function useHttpsSpaceCookies(https: boolean): void {
  httpsCookies = https;
}

/**
 * A space's cookie (`space.sessionCookie` or `space.pendingCookie`) as it travels: over HTTPS `__Host-<name>` with
 * `Path=/`, so that neither a sibling subdomain nor a plain-HTTP page can set or shadow it; over plain HTTP
 * (development) its plain name, scoped to the space's path.
 */
export function spaceCookie(space: FirstPartyClient, name: string): { name: string; path: string; secure: boolean } {
  return httpsCookies ? { name: `__Host-${name}`, path: '/', secure: true } : { name, path: space.path, secure: false };
}

/** The registered space a path belongs to (the longest matching prefix), if any. */
export function firstPartySpaceOf(path: string): FirstPartyClient | undefined {
  let found: FirstPartyClient | undefined;
  for (const client of registry) {
    if (
      (path === client.path || path.startsWith(`${client.path}/`)) &&
      client.path.length > (found?.path.length ?? 0)
    ) {
      found = client;
    }
  }
  return found;
}

export const isFirstPartyClient = (clientId: string): boolean => registry.some((c) => c.clientId === clientId);

export function firstPartyClientSecret(secretKey: string, client: FirstPartySpace): string {
  return deriveKey(secretKey, `first-party-client:${client.clientId}`);
}
