import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import nunjucks from 'nunjucks';
import type { AppConfig } from '../../config';
import { MenuRegistry, type MenuName } from './menus';

/** The repository's root, found from this file whether it runs from `src/` or from the compiled `dist/src/`. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json introuvable au-dessus de ' + __dirname);
    dir = parent;
  }
  return dir;
}

/**
 * Nunjucks with autoescape, for the whole product. Templates stay in the source tree beside their module
 * (`src/modules/<module>/views/*.njk`) and are named from `src/`: `platform/views/home.njk`.
 */
let environment: nunjucks.Environment | undefined;

/** Renders a template outside an Express response (the OpenID provider's pages, e-mails). */
export function renderView(name: string, context: Record<string, unknown>): string {
  if (!environment) throw new Error('Les vues ne sont pas configurées (configureViews)');
  return environment.render(name, context);
}

export function configureViews(app: NestExpressApplication, config: AppConfig): nunjucks.Environment {
  const root = projectRoot();
  const env = (environment = nunjucks.configure(join(root, 'src'), {
    autoescape: true,
    throwOnUndefined: false,
    noCache: !config.isProduction,
    express: app.getHttpAdapter().getInstance(),
  }));
  env.addGlobal('serviceName', 'Plateforme d’identité');
  env.addGlobal('publicUrl', config.publicUrl);
  // Shows the FranceConnect button (sign-in and registration pages) when FranceConnect is configured.
  env.addGlobal('franceconnectEnabled', config.franceconnect !== undefined);
  // The shell's menus, filled by the modules (menus.ts).
  const menus = app.get(MenuRegistry);
  env.addGlobal('menu', (name: MenuName, audiences?: string[]) => menus.entries(name, audiences));
  app.setViewEngine('njk');

  // DSFR from the installed package, never from a CDN; long-lived caching since the package version is fixed.
  const dsfr = join(dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist');
  const cache = config.isProduction ? '7d' : 0;
  app.use('/dsfr', express.static(dsfr, { maxAge: cache, index: false, fallthrough: false }));
  app.use(
    '/assets',
    express.static(join(root, 'src/platform/views/assets'), { maxAge: cache, index: false, fallthrough: false }),
  );
  return env;
}
