import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ACCESS_POLICY, type AccessPolicy } from '../../src/platform/http/access-policy';

export interface Route {
  /** `Controller.method`. */
  name: string;
  controller: string;
  method: string;
  /** The full path as declared, with its parameters (`/compte/piece-identite/:id`). */
  path: string;
  policy: AccessPolicy | undefined;
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Every route of the running application, read from the controllers' metadata, with its access policy. */
export function routeInventory(app: INestApplication, skip: unknown[] = []): Route[] {
  const scanner = new MetadataScanner();
  const routes: Route[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type || skip.includes(type)) continue;
      const base = ([Reflect.getMetadata(PATH_METADATA, type) ?? ''] as string[]).flat()[0];
      for (const name of scanner.getAllMethodNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (paths === undefined) continue;
        const policy = (Reflect.getMetadata(ACCESS_POLICY, handler) ?? Reflect.getMetadata(ACCESS_POLICY, type)) as
          AccessPolicy | undefined;
        for (const path of [paths].flat()) {
          routes.push({
            name: `${type.name}.${name}`,
            controller: type.name,
            method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod],
            path: join(base, path),
            policy,
          });
        }
      }
    }
  }
  return routes;
}

/** The prefixes under which nothing is public (DESIGN.md). */
export const PROTECTED_PREFIXES = ['/compte', '/espace-client', '/espace-cabinet', '/admin', '/api'];

export const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * What the access policy forbids, one line per faulty route: no policy; `@Public()` under a space or the API;
 * `@FirstPartyEndpoint()` outside the first-party component; `@SignedIn()` or `@Permission()` outside every registered
 * space (`inSpace` tells); under `/api`, anything but `@ApiScopes(...)` with at least one scope (the documentation
 * page of `ApiDocsController` aside), and `@ApiScopes()` outside `/api`.
 */
export function policyProblems(routes: Route[], inSpace: (path: string) => boolean): string[] {
  const problems: string[] = [];
  for (const r of routes) {
    const route = `${r.method} ${r.path} (${r.name})`;
    if (!r.policy) problems.push(`${route} : aucune politique d’accès`);
    else if (r.policy.kind === 'public' && PROTECTED_PREFIXES.some((prefix) => isUnder(r.path, prefix)))
      problems.push(`${route} : publique sous ${PROTECTED_PREFIXES.find((prefix) => isUnder(r.path, prefix))}`);
    else if (r.policy.kind === 'first-party-endpoint' && !r.controller.startsWith('FirstPartySignIn('))
      problems.push(`${route} : @FirstPartyEndpoint() hors du composant de connexion`);
    else if ((r.policy.kind === 'signed-in' || r.policy.kind === 'permission') && !inSpace(r.path))
      problems.push(`${route} : connexion demandée hors de tout espace`);
    else if (r.policy.kind === 'api' && (!isUnder(r.path, '/api') || r.policy.scopes.length === 0))
      problems.push(`${route} : @ApiScopes() hors de /api ou sans portée`);
    else if (r.policy.kind === 'api-documentation' && r.controller !== 'ApiDocsController')
      problems.push(`${route} : documentation d’API hors de /api/docs`);
    else if (isUnder(r.path, '/api') && r.policy.kind !== 'api' && r.policy.kind !== 'api-documentation')
      problems.push(`${route} : route d’API sans @ApiScopes()`);
  }
  return problems;
}

/** The routes of the JSON API that take a token (every `/api` route but its documentation), with their scopes. */
export function apiRoutes(routes: Route[]): Array<Route & { scopes: string[] }> {
  return routes.flatMap((r) => (r.policy?.kind === 'api' ? [{ ...r, scopes: r.policy.scopes }] : []));
}
