import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../src/platform/views/views';

/**
 * The production image keeps `dependencies` only (`npm prune --omit=dev`) and leaves `src/dev/` out: every package the
 * compiled application loads must be a dependency, and nothing outside `src/dev/` may load `src/dev/` eagerly. The
 * production smoke test in `.ci/run` checks the same by starting the pruned install; this test says which import is
 * wrong, in a second.
 */
const root = projectRoot();
const compiled = join(root, 'dist', 'src');
const devFolder = join(compiled, 'dev');

function javascriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === devFolder ? [] : javascriptFiles(path);
    return name.endsWith('.js') && !name.endsWith('.spec.js') ? [path] : [];
  });
}

/** `require("x")` as tsc emits it, and the string targets of pino transports. */
function requiredModules(source: string): string[] {
  const names = [...source.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
  names.push(...[...source.matchAll(/\btarget: '([^'.][^']*)'/g)].map((m) => m[1]));
  return names;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('Production dependencies', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const builtins = new Set(builtinModules);
  const files = javascriptFiles(compiled);

  it('finds the compiled application', () => {
    assert.ok(files.some((file) => file.endsWith(`${sep}main.js`)));
  });

  it('lists every package loaded by the compiled application in dependencies', () => {
    const missing = new Set<string>();
    for (const file of files) {
      for (const specifier of requiredModules(readFileSync(file, 'utf8'))) {
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
        const name = packageName(specifier);
        if (!(name in manifest.dependencies)) missing.add(`${name} (${relative(root, file)})`);
      }
    }
    assert.deepEqual([...missing], []);
  });

  it('never loads the development tools eagerly', () => {
    const eager = files.filter((file) => /\brequire\("(\.\.?\/)+dev\//.test(readFileSync(file, 'utf8')));
    assert.deepEqual(
      eager.map((file) => relative(root, file)),
      [],
    );
  });
});
