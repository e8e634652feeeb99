/**
 * `node dist/bench/profile.js <folder or .cpuprofile files>`: where the CPU time of the processes profiled by
 * `BENCH_CPU_PROFILE=<folder> npm run bench` went, per package (or per file of the platform's own code) and per
 * function, by self time. Prints; asserts nothing.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `oidc-provider`, `@nestjs/core`, `src/modules/oidc/...`, `node:internal`, or `(garbage collector)`. */
function ownerOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'anonyme'})`;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  const own = /\/dist\/((?:src|bench|test)\/.*)$/.exec(url);
  if (own) return own[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

function summarise(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs.entries()]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((sum, [, us]) => sum + us, 0);
  const busy = total - idle;
  if (busy <= 0) return;
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const name = `${functionName || '(anonyme)'} ${owner}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${name}`)
      .join('\n');
  console.log(`\n${file} : ${(busy / 1e6).toFixed(1)} s de calcul, ${(idle / 1e6).toFixed(1)} s d’attente`);
  console.log(`Par paquet ou fichier (temps propre) :\n${top(owners, 25)}`);
  console.log(`Par fonction :\n${top(functions, 25)}`);
}

for (const argument of process.argv.slice(2)) {
  const files = statSync(argument).isDirectory()
    ? readdirSync(argument)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => join(argument, name))
    : [argument];
  for (const file of files) summarise(file);
}
