import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import nunjucks from 'nunjucks';
import { DEFAULT_PRIMARY_COLOR, resolveBrand, type Brand } from './branding';
import { MenuRegistry } from './menus';
import { addI18nGlobals, projectRoot } from './views';

const src = join(projectRoot(), 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : /\.(ts|njk)$/.test(entry.name) && !entry.name.endsWith('.spec.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * Every template named in code or templates (`modules/<m>/views/…`, `platform/views/…`), by the file naming it; a
 * file's `const VIEWS = '…'` is substituted in `${VIEWS}/name.njk`.
 */
function templateReferences(): Array<{ file: string; template: string }> {
  return files(src).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const views = /const VIEWS = '([^']+)'/.exec(text)?.[1];
    const named = [...text.matchAll(/["'`]((?:modules\/[a-z-]+|platform)\/views\/[\w/.${}-]+)["'`]/g)].map((m) => m[1]);
    const viaViews = views ? [...text.matchAll(/`\$\{VIEWS\}\/([\w/.-]+\.njk)`/g)].map((m) => `${views}/${m[1]}`) : [];
    return [...named, ...viaViews].map((template) => ({ file: relative(src, file), template }));
  });
}

describe('Page shell templates', () => {
  it('a module renders only its own templates and the shell’s; the shell none of a module’s', () => {
    const crossing = templateReferences()
      .filter(({ file, template }) => {
        const owner = /^modules\/([a-z-]+)\//.exec(file)?.[1];
        const target = /^modules\/([a-z-]+)\//.exec(template)?.[1];
        return target !== undefined && target !== owner;
      })
      .map(({ file, template }) => `${file} → ${template}`);
    assert.deepEqual(crossing, []);
  });

  it('no template hides the shell’s globals t() and lang() under a name of its own', () => {
    const shadowing = files(src)
      .filter((file) => file.endsWith('.njk'))
      .flatMap((file) =>
        [
          ...readFileSync(file, 'utf8').matchAll(/\{%-?\s*(?:import\s+\S+\s+as|set|from\s+\S+\s+import)\s+(t|lang)\b/g),
        ].map((m) => `${relative(src, file)}: ${m[0]}`),
      );
    assert.deepEqual(shadowing, []);
  });

  it('every template named exists', () => {
    const references = templateReferences();
    assert.ok(references.length > 30, `références trouvées : ${references.length}`);
    const missing = references
      .filter(({ template }) => !template.includes('${') && template.endsWith('.njk'))
      .filter(({ template }) => !existsSync(join(src, template)))
      .map(({ file, template }) => `${file} → ${template}`);
    assert.deepEqual(missing, []);
  });

  it('fills a space’s side menu from the entries modules added, in order, the current one marked', () => {
    const menus = new MenuRegistry();
    menus.add('console', { key: 'comptes', href: '/admin/comptes', label: 'Comptes', order: 20 });
    menus.add('console', { key: 'accueil', href: '/admin', label: 'Tableau de bord', order: 10 });
    menus.add('account', { key: 'profil', href: '/compte/profil', label: 'Mon profil', order: 10 });
    assert.throws(() => menus.add('console', { key: 'comptes', href: '/x', label: 'X', order: 1 }), /en double/);
    const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(src), { autoescape: true });
    env.addGlobal('menu', (name: 'account' | 'console') => menus.entries(name));
    env.addGlobal('csrfToken', () => 'jeton');
    addI18nGlobals(env);
    env.addGlobal('resolveBrand', (page?: Brand) =>
      resolveBrand({ name: 'Plateforme', primaryColor: DEFAULT_PRIMARY_COLOR }, page),
    );
    const html = env.render('platform/views/console-layout.njk', { section: 'comptes' });
    const links = [...html.matchAll(/<a class="fr-sidemenu__link" href="([^"]+)"( aria-current="page")?>/g)];
    assert.deepEqual(
      links.map(([, href, current]) => `${href}${current ? ' (courant)' : ''}`),
      ['/admin', '/admin/comptes (courant)'],
    );
    assert.match(html, /action="\/admin\/deconnexion"/);
    assert.doesNotMatch(html, /Mon profil/);
  });
});
