import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import nunjucks from 'nunjucks';
import type { AppConfig } from '../../config';
import { currentLocale, localeState, t } from '../i18n/i18n';
import { brandStylesheet, resolveBrand, type Brand } from './branding';
import { HIDDEN_MENU_ENTRIES, MenuRegistry, type MenuName } from './menus';

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

/** `t('shell:home')` (any catalogue key, with values), `lang()` (the language, for `<html lang>`) and the language switch's state, for every template. */
export function addI18nGlobals(env: nunjucks.Environment): void {
  env.addGlobal('t', t);
  env.addGlobal('lang', currentLocale);
  env.addGlobal('languageSwitch', () => {
    const state = localeState();
    if (!state || state.fixed) return undefined;
    const other = state.locale === 'fr' ? 'en' : 'fr';
    return { locale: other, returnTo: state.returnTo ?? '/' };
  });
}

export function configureViews(app: NestExpressApplication, config: AppConfig): nunjucks.Environment {
  const root = projectRoot();
  const env = (environment = nunjucks.configure(join(root, 'src'), {
    autoescape: true,
    throwOnUndefined: false,
    noCache: !config.isProduction,
    express: app.getHttpAdapter().getInstance(),
  }));
  env.addGlobal('serviceName', config.brand.name);
  env.addGlobal('uiTheme', config.theme);
  env.addGlobal('support', config.brand.support);
  // The brand a page shows: its own `brand` (render context) over the deployment's (`BRAND_*`).
  env.addGlobal('resolveBrand', (page?: Brand) => resolveBrand(config.brand, page));
  env.addGlobal('publicUrl', config.publicUrl);
  // The messages (catalogues under locales/, see docs/i18n.md) in the request's language, and that language.
  addI18nGlobals(env);
  // Shows the FranceConnect button (sign-in and registration pages) when FranceConnect is configured.
  env.addGlobal('franceconnectEnabled', config.franceconnect !== undefined);
  // The shell's menus, filled by the modules (menus.ts).
  const menus = app.get(MenuRegistry);
  // Nunjucks calls a global with the template's context as `this`: the guard's list of hidden entries is in it.
  env.addGlobal('menu', function (this: { ctx?: Record<string, unknown> }, name: MenuName) {
    return menus.visible(name, this.ctx?.[HIDDEN_MENU_ENTRIES] as string[] | undefined);
  });
  app.setViewEngine('njk');

  const cache = config.isProduction ? '7d' : 0;
  const serve = (path: string) => express.static(path, { maxAge: cache, index: false, fallthrough: false });
  // Every file from the installed packages, never from a CDN; long-lived caching since their versions are fixed.
  const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
  app.use('/theme/police', serve(join(packageDir('@fontsource-variable/inter'), 'files')));
  app.use('/theme/normalize', serve(packageDir('modern-normalize')));
  // The brand colour of a page, as a stylesheet (the CSP forbids inline styles); an unusable colour is a 404.
  app.use('/theme/marque.css', (req: express.Request, res: express.Response) => {
    const css = brandStylesheet(req.query.couleur);
    if (!css) {
      res.status(404).type('text/plain').send('Couleur inconnue');
      return;
    }
    res
      .type('text/css')
      .set('Cache-Control', config.isProduction ? 'public, max-age=604800' : 'no-cache')
      .send(css);
  });
  // The State design system, for a State deployment that installed it (UI_THEME=dsfr; checked by the configuration).
  if (config.theme === 'dsfr') app.use('/dsfr', serve(join(packageDir('@gouvfr/dsfr'), 'dist')));
  app.use('/assets', serve(join(root, 'src/platform/views/assets')));
  return env;
}
