/**
 * `node dist/bench/profile.js <folder or .cpuprofile files>`: where the CPU time of the processes profiled by
 * `BENCH_CPU_PROFILE=<folder> npm run bench` went, per package (or per file of the platform's own code) and per
 * function, by self time. When the folder holds the bench's `fenetres.json` (when each measure ran, on the clock of
 * the profiles), each measure gets its own summary: one endpoint's profile, without start-up or the other loads.
 * Prints; asserts nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface Window {
  name: string;
  startUs: number;
  endUs: number;
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

function summarise(file: string, windows: Window[]): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  if (!windows.length) return summariseSamples(file, profile);
  for (const window of windows) summariseSamples(`${file}, ${window.name}`, profile, window);
}

/** The samples of `profile` (those taken within `window` when given), by owner and by function. */
function summariseSamples(title: string, profile: CpuProfile, window?: Window): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.startUs || at > window.endUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs.entries()]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((sum, [, us]) => sum + us, 0);
  const busy = total - idle;
  // A process that was not running during the window, or hardly worked (the taskset wrappers), says nothing.
  if (busy < 100_000) return;
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
  console.log(`\n${title} : ${(busy / 1e6).toFixed(1)} s de calcul, ${(idle / 1e6).toFixed(1)} s d’attente`);
  console.log(`Par paquet ou fichier (temps propre) :\n${top(owners, window ? 15 : 25)}`);
  console.log(`Par fonction :\n${top(functions, window ? 15 : 25)}`);
}

for (const argument of process.argv.slice(2)) {
  const folder = statSync(argument).isDirectory();
  const files = folder
    ? readdirSync(argument)
        .filter((name) => name.endsWith('.cpuprofile'))
        .map((name) => join(argument, name))
    : [argument];
  const windowsFile = join(folder ? argument : dirname(argument), 'fenetres.json');
  const windows = existsSync(windowsFile) ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as Window[]) : [];
  for (const file of files) summarise(file, windows);
}
