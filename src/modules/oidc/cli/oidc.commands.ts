import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliRuntime } from '../../../platform/cli/cli-context';
import { CliError } from '../../../platform/cli/cli-error';
import { parseApiBinding, unboundScope } from '../../../platform/api/api-scopes';
import { ResourceServerRegistry } from '../resource-server.registry';
import { ClientRegistry, type ClientMetadata } from '../client.registry';
import { OidcError } from '../oidc.errors';
import { OidcProviderService } from '../oidc-provider.service';
import { KEY_PUBLICATION_DELAY_S, SigningKeyStore } from '../signing-key.store';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface AddOptions {
  clientId: string;
  clientSecret?: string;
  redirectUri: string[];
  postLogoutRedirectUri?: string[];
  backchannelLogoutUri?: string;
  grantTypes?: string[];
  scope?: string;
  tokenEndpointAuthMethod?: string;
  name?: string;
  requirePar?: boolean;
  dpop?: boolean;
  jwks?: string;
  jwksUri?: string;
  apiBinding?: string;
}

/** `clients:add`, `clients:list`, `clients:remove`, `keys:rotate`, `resources:add|list|remove`. */
export function oidcCommands({ withApplication }: CliRuntime): Command[] {
  const add = new Command('clients:add')
    .description('enregistre un site (client OpenID Connect)')
    .requiredOption('--client-id <id>', 'identifiant du client')
    .option('--client-secret <secret>', 'secret (généré s’il manque, sauf avec --token-endpoint-auth-method none)')
    .option('--redirect-uri <uri>', 'adresse de retour, exacte (répétable)', collect, [])
    .option('--post-logout-redirect-uri <uri>', 'adresse de retour après déconnexion (répétable)', collect)
    .option('--backchannel-logout-uri <uri>', 'adresse de déconnexion par canal arrière')
    .option('--grant-types <types...>', 'authorization_code, refresh_token, client_credentials')
    .option('--scope <scopes>', 'portées autorisées, séparées par des espaces')
    .option(
      '--token-endpoint-auth-method <méthode>',
      'client_secret_basic (défaut), client_secret_post, private_key_jwt (défaut avec --jwks ou --jwks-uri) ou none',
    )
    .option('--name <nom>', 'nom du site, affiché aux personnes')
    .option('--require-par', 'exige les requêtes d’autorisation poussées (PAR, RFC 9126)')
    .option('--dpop', 'jetons d’accès liés à une clé du site (DPoP, RFC 9449)')
    .option('--jwks <fichier>', 'clés publiques du site (JWKS, fichier JSON) pour private_key_jwt')
    .option('--jwks-uri <uri>', 'adresse des clés publiques du site (JWKS) pour private_key_jwt')
    .option(
      '--api-binding <kind:id>',
      'rattache le client à une entité pour l’API (firm:<id> pour client-space:*, company:<id> pour company-accounts:*, product:<code>)',
    )
    .action(async (options: AddOptions) => {
      const binding = options.apiBinding === undefined ? undefined : parseApiBinding(options.apiBinding);
      if (options.apiBinding !== undefined && !binding)
        throw new CliError(`--api-binding attend « type:identifiant » (firm:<id>), pas « ${options.apiBinding} ».`);
      const scopes = options.scope?.split(' ') ?? [];
      const unbound = unboundScope(scopes, binding);
      if (unbound?.kind === 'firm')
        throw new CliError('Les portées client-space:* demandent --api-binding firm:<id> (le cabinet du client).');
      if (unbound)
        throw new CliError(
          `Les portées ${unbound.scope.split(':')[0]}:* demandent --api-binding ${unbound.kind}:<id>` +
            (unbound.kind === 'company' ? ' (le compte entreprise principal du client).' : '.'),
        );
      const grantTypes = options.grantTypes ?? ['authorization_code', 'refresh_token'];
      const keys = clientKeys(options);
      const metadata: ClientMetadata = {
        client_id: options.clientId,
        ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
        redirect_uris: options.redirectUri,
        grant_types: grantTypes,
        response_types: grantTypes.includes('authorization_code') ? ['code'] : [],
        ...(options.postLogoutRedirectUri ? { post_logout_redirect_uris: options.postLogoutRedirectUri } : {}),
        ...(options.backchannelLogoutUri ? { backchannel_logout_uri: options.backchannelLogoutUri } : {}),
        ...(options.scope ? { scope: options.scope } : {}),
        ...(options.tokenEndpointAuthMethod ? { token_endpoint_auth_method: options.tokenEndpointAuthMethod } : {}),
        ...(options.name ? { client_name: options.name } : {}),
        ...keys,
        ...(options.requirePar ? { require_pushed_authorization_requests: true } : {}),
        ...(options.dpop ? { dpop_bound_access_tokens: true } : {}),
        ...(binding ? { api_binding: binding } : {}),
      };
      const added = await withApplication(async (context) => {
        const provider = context.get(OidcProviderService);
        try {
          return await context.get(ClientRegistry).add(metadata, (m) => provider.validateClient(m));
        } catch (error) {
          if (error instanceof OidcError) throw new CliError(error.message);
          throw error;
        }
      });
      console.log(`Client enregistré : ${added.clientId}`);
      if (added.clientSecret && !options.clientSecret) {
        console.log(`Secret (affiché une seule fois, conservez-le) : ${added.clientSecret}`);
      }
    });

  const list = new Command('clients:list').description('liste les clients enregistrés').action(async () => {
    const clients = await withApplication((context) => context.get(ClientRegistry).list());
    if (clients.length === 0) console.log('Aucun client.');
    for (const { clientId, metadata } of clients) {
      const uris = (metadata.redirect_uris as string[] | undefined)?.join(' ') ?? '';
      console.log(`${clientId}  ${(metadata.client_name as string | undefined) ?? ''}  ${uris}`);
    }
  });

  const remove = new Command('clients:remove')
    .description('supprime un client')
    .argument('<client-id>', 'identifiant du client')
    .action(async (clientId: string) => {
      await withApplication(async (context) => {
        try {
          await context.get(ClientRegistry).remove(clientId);
        } catch (error) {
          if (error instanceof OidcError) throw new CliError(error.message);
          throw error;
        }
      });
      console.log(`Client supprimé : ${clientId}`);
    });

  const rotate = new Command('keys:rotate')
    .description('publie de nouvelles clés de signature, qui signeront après le délai de publication')
    .option('--delay <secondes>', `délai avant que les nouvelles clés signent (défaut ${KEY_PUBLICATION_DELAY_S})`)
    .action(async (options: { delay?: string }) => {
      const delay = options.delay === undefined ? KEY_PUBLICATION_DELAY_S : Number(options.delay);
      if (!Number.isInteger(delay) || delay < 0) throw new CliError('--delay attend un nombre entier de secondes.');
      const created = await withApplication((context) => context.get(SigningKeyStore).rotate(delay));
      for (const key of created) {
        console.log(
          `Nouvelle clé ${key.alg} ${key.kid} : publiée maintenant, signe à partir de ${key.activatesAt.toISOString()}`,
        );
      }
    });

  return [add, list, remove, rotate, ...resourceCommands(withApplication)];
}

/** `resources:add`, `resources:list`, `resources:remove`: the APIs tokens can be asked for (RFC 8707). */
function resourceCommands(withApplication: CliRuntime['withApplication']): Command[] {
  const refusals = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof OidcError) throw new CliError(`Erreur : ${error.message}`);
      throw error;
    }
  };

  const add = new Command('resources:add')
    .description('enregistre une API (serveur de ressources) : ses jetons d’accès seront des JWT (RFC 9068)')
    .requiredOption('--identifier <uri>', 'identifiant de l’API (indicateur de ressource, adresse absolue)')
    .requiredOption('--name <nom>', 'nom de l’API')
    .requiredOption('--scope <portées...>', 'portées que l’API comprend (répétable ou séparées par des espaces)')
    .option('--signing-alg <alg>', 'algorithme de signature des jetons : ES256 (défaut), RS256 ou EdDSA')
    .action(async (options: { identifier: string; name: string; scope: string[]; signingAlg?: string }) => {
      const added = await withApplication((context) =>
        refusals(async () => {
          const server = await context.get(ResourceServerRegistry).add({
            identifier: options.identifier,
            name: options.name,
            scopes: options.scope,
            signingAlg: options.signingAlg,
          });
          // The provider accepts the new scopes in clients' registrations from now on.
          await context.get(OidcProviderService).refreshKeys();
          return server;
        }),
      );
      console.log(
        `API enregistrée : ${added.identifier} (${added.name}), portées ${added.scopes.join(' ')}, jetons signés ${added.signingAlg}`,
      );
    });

  const list = new Command('resources:list').description('liste les API (serveurs de ressources)').action(async () => {
    const servers = await withApplication((context) => context.get(ResourceServerRegistry).list());
    for (const server of servers) {
      console.log(
        `${server.identifier}  ${server.name}${server.builtIn ? ' (intégrée)' : ''}  ${server.signingAlg}  ${server.scopes.join(' ')}`,
      );
    }
  });

  const remove = new Command('resources:remove')
    .description('supprime une API enregistrée (ses jetons déjà émis restent valables jusqu’à leur expiration)')
    .argument('<identifiant>', 'identifiant de l’API')
    .action(async (identifier: string) => {
      await withApplication((context) => refusals(() => context.get(ResourceServerRegistry).remove(identifier)));
      console.log(`API supprimée : ${identifier}`);
    });

  return [add, list, remove];
}

/** `--jwks FILE` or `--jwks-uri URI`: the site's public keys, and `private_key_jwt` unless another method is given. */
function clientKeys(options: AddOptions): Record<string, unknown> {
  if (options.jwks && options.jwksUri) throw new CliError('Donnez --jwks ou --jwks-uri, pas les deux.');
  const method = options.tokenEndpointAuthMethod ? {} : { token_endpoint_auth_method: 'private_key_jwt' };
  if (options.jwksUri) return { jwks_uri: options.jwksUri, ...method };
  if (!options.jwks) return {};
  let jwks: unknown;
  try {
    jwks = JSON.parse(readFileSync(options.jwks, 'utf8'));
  } catch (error) {
    throw new CliError(`Le fichier --jwks ${options.jwks} n’est pas un JSON lisible : ${(error as Error).message}`);
  }
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new CliError('Le fichier --jwks doit contenir un objet { "keys": [ … ] } avec au moins une clé publique.');
  if (keys.some((key) => typeof key === 'object' && key !== null && 'd' in key))
    throw new CliError('Le fichier --jwks contient une clé privée : donnez seulement les clés publiques du site.');
  return { jwks, ...method };
}
