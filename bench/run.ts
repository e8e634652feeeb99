/**
 * `npm run bench`: measures and prints figures; asserts nothing. Starts the platform as `npm start` does (embedded
 * database in a temporary folder, or `BENCH_DATABASE_URL`), then loads it from this process over loopback.
 * Results are also written to `bench-results/<date>.json`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { projectRoot } from '../src/platform/views/views';
import { freePort } from '../test/support/ports';
import { spawnPlatform, waitUntilReady } from '../test/support/process';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 10;

interface Figure {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function load(name: string, url: string): Promise<Figure> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function rssOf(pid: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'platform-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: base,
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
  };
  if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  // The first start creates and migrates the embedded database; the second measures an ordinary start.
  for (const run of ['first', 'second'] as const) {
    const started = performance.now();
    const platform = spawnPlatform(env);
    await waitUntilReady(platform, `${base}/health`, 120_000);
    const readyMs = Math.round(performance.now() - started);
    if (run === 'first') {
      console.log(`Démarrage à froid (création de la base) : ${readyMs} ms`);
      platform.child.kill('SIGTERM');
      await platform.exited;
      continue;
    }
    console.log(`Démarrage jusqu’à « prêt » : ${readyMs} ms`);
    const pid = platform.child.pid!;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleRssMb = await rssOf(pid);
    console.log(`Mémoire au repos (RSS) : ${idleRssMb.toFixed(0)} Mo`);

    const figures: Figure[] = [];
    for (const [name, path] of [
      ['GET /health/live', '/health/live'],
      ['GET /health (base de données)', '/health'],
      ['GET / (page d’accueil)', '/'],
    ] as const) {
      const figure = await load(name, `${base}${path}`);
      figures.push(figure);
      console.log(
        `${name.padEnd(32)} ${String(figure.requestsPerSecond).padStart(6)} req/s   p50 ${figure.p50Ms} ms   p99 ${figure.p99Ms} ms   erreurs ${figure.errors}`,
      );
    }
    const loadedRssMb = await rssOf(pid);
    console.log(`Mémoire après charge (RSS) : ${loadedRssMb.toFixed(0)} Mo`);
    platform.child.kill('SIGTERM');
    await platform.exited;

    const dir = join(projectRoot(), 'bench-results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    const database = env.DATABASE_URL ? 'server' : 'embedded';
    writeFileSync(
      file,
      JSON.stringify(
        { database, connections: CONNECTIONS, durationS: DURATION_S, readyMs, idleRssMb, loadedRssMb, figures },
        null,
        2,
      ),
    );
    console.log(`Résultats : ${file}`);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
