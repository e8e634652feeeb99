import { Injectable, RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer } from '@nestjs/core';
import { ACCESS_POLICY, type AccessPolicy } from '../http/access-policy';
import { isApiPath } from './problem-details';

/** One route of the JSON API, as declared by its controller. */
export interface ApiRoute {
  method: string;
  /** Express form: `/api/v1/admin/accounts/:id`. */
  path: string;
  controller: Type;
  handlerName: string;
  handler: object;
  policy: AccessPolicy | undefined;
  pattern: RegExp;
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/')}`;

/**
 * Every route under `/api`, read once from the controllers' metadata: for the OpenAPI document, and to answer 405
 * (with `Allow`) rather than 404 when the path exists with another method.
 */
@Injectable()
export class ApiCatalog {
  private cached: ApiRoute[] | undefined;

  constructor(private readonly modules: ModulesContainer) {}

  routes(): ApiRoute[] {
    if (this.cached) return this.cached;
    const scanner = new MetadataScanner();
    const routes: ApiRoute[] = [];
    for (const module of this.modules.values()) {
      for (const wrapper of module.controllers.values()) {
        const type = wrapper.metatype as Type | null;
        if (!type) continue;
        const bases = [(Reflect.getMetadata(PATH_METADATA, type) as string | string[] | undefined) ?? ''].flat();
        for (const handlerName of scanner.getAllMethodNames(type.prototype as object)) {
          const handler = (type.prototype as Record<string, unknown>)[handlerName] as object;
          const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
          if (paths === undefined) continue;
          const policy = (Reflect.getMetadata(ACCESS_POLICY, handler) ?? Reflect.getMetadata(ACCESS_POLICY, type)) as
            AccessPolicy | undefined;
          const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
          for (const base of bases)
            for (const path of [paths].flat()) {
              const full = join(base, path);
              if (!isApiPath(full)) continue;
              routes.push({
                method,
                path: full,
                controller: type,
                handlerName,
                handler,
                policy,
                pattern: pattern(full),
              });
            }
        }
      }
    }
    this.cached = routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
    return this.cached;
  }

  /** The methods the path answers to (empty when no route matches it). */
  allowedMethods(path: string): string[] {
    const methods = this.routes()
      .filter((route) => route.pattern.test(path))
      .map((route) => route.method);
    return [...new Set(methods)];
  }
}

function pattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}
