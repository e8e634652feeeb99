/**
 * `npm run bench`: measures and prints figures; asserts nothing. Starts the platform as a separate process pinned to
 * one core when `taskset` exists (embedded database in a temporary folder, or `BENCH_DATABASE_URL`, an empty database
 * on a PostgreSQL server), registers a
 * client and an account with the command line, then loads it from this process over loopback.
 * Results are also written to `bench-results/<date>.json`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import * as client from 'openid-client';
import { Client as PgClient } from 'pg';
import { projectRoot } from '../src/platform/views/views';
import { passwordCodeFlow } from '../test/support/code-flow';
import { benchEnumeration } from './enumeration';
import { benchOutbox } from './outbox';
import { freePort } from '../test/support/ports';
import { flowStatements, formatStatements, metricsStatements, type StepStatements } from '../test/support/statements';
import { spawnPlatform, waitUntilReady, type PlatformProcess } from '../test/support/process';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 10;
const REDIRECT_URI = 'http://127.0.0.1:9/retour';
const PASSWORD = 'Banc-d-essai-2026';
const API_RESOURCE = 'http://127.0.0.1:9/api-banc';
const API_SCOPE = 'banc:lire';

interface Figure {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** The platform's resident memory after this measure (not for the bare provider): which load makes it grow. */
  rssAfterMb?: number;
}

/** The platform's server process while its own figures are measured (the bare provider's are not followed). */
let watchedPid: number | undefined;

/**
 * When each measure ran, on the monotonic clock that V8's CPU profiles use too (microseconds): with
 * `BENCH_CPU_PROFILE`, `bench/profile.ts` reads them (`fenetres.json`) to give each endpoint its own profile.
 */
const windows: Array<{ name: string; startUs: number; endUs: number }> = [];
let windowLabel = 'plateforme';

async function timed<T>(name: string, measure: () => Promise<T>): Promise<T> {
  const startUs = Number(process.hrtime.bigint() / 1000n);
  try {
    return await measure();
  } finally {
    windows.push({ name: `${windowLabel} : ${name}`, startUs, endUs: Number(process.hrtime.bigint() / 1000n) });
  }
}

async function load(name: string, options: autocannon.Options): Promise<Figure> {
  const result = await timed(name, () => autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }));
  const figure: Figure = {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
  if (watchedPid) figure.rssAfterMb = Math.round(rssMb(watchedPid));
  console.log(
    `${name.padEnd(40)} ${String(figure.requestsPerSecond).padStart(6)} req/s   p50 ${figure.p50Ms} ms   p99 ${figure.p99Ms} ms   erreurs ${figure.errors}` +
      (figure.rssAfterMb ? `   RSS ${figure.rssAfterMb} Mo` : ''),
  );
  return figure;
}

/** The V8 heap and the memory outside it (buffers), from the platform's `/metrics` (prom-client's default metrics). */
async function heapFigures(base: string): Promise<{ heapTotalMb: number; heapUsedMb: number; externalMb: number }> {
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const mb = (name: string) =>
    Math.round(Number(new RegExp(`^${name} (\\S+)`, 'm').exec(metrics)?.[1] ?? Number.NaN) / 1024 / 1024);
  return {
    heapTotalMb: mb('nodejs_heap_size_total_bytes'),
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
    externalMb: mb('nodejs_external_memory_bytes'),
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function cli(env: Record<string, string>, args: string[]): string {
  return execFileSync(process.execPath, [join(projectRoot(), 'dist/src/platform/cli/cli.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
  }).toString();
}

/** Every process the bench started: stopped if the bench fails half-way, so none is left holding the database. */
const launched = new Set<PlatformProcess>();

function launch(...args: Parameters<typeof spawnPlatform>): PlatformProcess {
  const started = spawnPlatform(...args);
  launched.add(started);
  void started.exited.then(() => launched.delete(started));
  return started;
}

/** The platform on one core when `taskset` is there (the figures are per core). */
function start(env: Record<string, string>): PlatformProcess {
  const pinned = existsSync('/usr/bin/taskset');
  if (!pinned) return launch(env);
  return launch(env, 'dist/bench/pinned.js');
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
    // Required in production; the bench sends no e-mail.
    SMTP_URL: 'smtp://127.0.0.1:9',
    // The enumeration probes give each sample its own address (bench/enumeration.ts).
    TRUST_PROXY: 'loopback',
  };
  if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  // `BENCH_CPU_PROFILE=<folder>`: each process started writes a V8 CPU profile there when it stops (read them with
  // `node dist/bench/profile.js <folder>`). The figures are then lower: compare profiles, not figures.
  // glibc's allocator keeps an arena per thread (argon2 hashes on libuv's threads): `MALLOC_ARENA_MAX` bounds them.
  if (process.env.MALLOC_ARENA_MAX) env.MALLOC_ARENA_MAX = process.env.MALLOC_ARENA_MAX;
  if (process.env.BENCH_CPU_PROFILE) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`;
  // `BENCH_HEAP_SNAPSHOT=<folder>`: after the load, the platform writes a heap snapshot there (a full collection
  // first), and the bench prints the memory once more: what is still held, not garbage waiting for the collector.
  // Read it with `node dist/bench/heap.js <file>`.
  // `BENCH_NODE_OPTIONS`: options for the platform's Node.js only (to try heap bounds: `--max-old-space-size=…`).
  const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT;
  const platformOptions =
    [
      env.NODE_OPTIONS,
      process.env.BENCH_NODE_OPTIONS,
      snapshotDir && `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}`,
    ]
      .filter(Boolean)
      .join(' ') || undefined;
  const database = env.DATABASE_URL ? 'serveur PostgreSQL' : 'base embarquée (PGlite)';
  console.log(
    `Base : ${database} ; ${CONNECTIONS} connexions, ${DURATION_S} s par mesure ; serveur épinglé sur un cœur : ${existsSync('/usr/bin/taskset') ? 'oui' : 'non'}`,
  );

  // On a server, production refuses to start before the migrations: apply them as an operator would.
  if (env.DATABASE_URL) cli(env, ['migrate']);
  // First start: creates (and, embedded, migrates) the database, generates the keys.
  let started = performance.now();
  const platformEnv = platformOptions ? { ...env, NODE_OPTIONS: platformOptions } : env;
  let platform = start(platformEnv);
  await waitUntilReady(platform, `${base}/health`, 120_000);
  console.log(`Premier démarrage (création de la base) : ${Math.round(performance.now() - started)} ms`);
  platform.child.kill('SIGTERM');
  await platform.exited;

  const secret = /Secret .*: (\S+)/.exec(
    cli(env, [
      'clients:add',
      '--client-id',
      'banc',
      '--redirect-uri',
      REDIRECT_URI,
      '--grant-types',
      'authorization_code',
      'refresh_token',
      'client_credentials',
    ]),
  )![1];
  // An API (resource server): its client-credentials tokens are ES256 JWTs, not stored (issue 20's first target).
  cli(env, ['resources:add', '--identifier', API_RESOURCE, '--name', 'API du banc', '--scope', API_SCOPE]);
  const apiSecret = /Secret .*: (\S+)/.exec(
    cli(env, ['clients:add', '--client-id', 'banc-api', '--grant-types', 'client_credentials', '--scope', API_SCOPE]),
  )![1];
  cli(env, ['users:add', '--email', 'banc@example.fr', '--identifier', 'banc', '--password', PASSWORD]);
  const probes = Array.from({ length: 8 }, (_, i) => `sonde${i}`);
  for (const probe of probes) {
    cli(env, ['users:add', '--email', `${probe}@example.fr`, '--identifier', probe, '--password', PASSWORD]);
  }

  started = performance.now();
  platform = start(platformEnv);
  await waitUntilReady(platform, `${base}/health`, 120_000);
  const readyMs = Math.round(performance.now() - started);
  console.log(`Démarrage jusqu’à « prêt » : ${readyMs} ms`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const pid = serverPid(platform);
  watchedPid = pid;
  const idleRssMb = rssMb(pid);
  const idleHeap = await heapFigures(base);
  console.log(
    `Mémoire au repos (RSS) : ${idleRssMb.toFixed(0)} Mo, dont tas V8 ${idleHeap.heapTotalMb} Mo (utilisés ${idleHeap.heapUsedMb})`,
  );

  const config = await client.discovery(new URL(`${base}/oidc`), 'banc', undefined, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
  // SQL statements per step, one request at a time, before any load (the platform's own counter, /metrics).
  const flowInput = { config, base, identifier: 'banc', password: PASSWORD, redirectUri: REDIRECT_URI };
  const statements: Record<string, StepStatements[]> = {
    firstFlow: await flowStatements(metricsStatements(base), flowInput),
    repeatFlow: await flowStatements(metricsStatements(base), flowInput),
    offlineFlow: await flowStatements(metricsStatements(base), { ...flowInput, offline: true }),
  };
  console.log(`\nInstructions SQL par étape, premier flux (consentement) :\n${formatStatements(statements.firstFlow)}`);
  console.log(`Flux suivant (consentement mémorisé) :\n${formatStatements(statements.repeatFlow)}`);
  console.log(`Avec offline_access (refresh) :\n${formatStatements(statements.offlineFlow)}\n`);

  const figures: Figure[] = [];
  figures.push(await load('GET /health/live', { url: `${base}/health/live` }));
  figures.push(await load('GET /health (base de données)', { url: `${base}/health` }));
  figures.push(await load('GET / (page d’accueil)', { url: `${base}/` }));
  const platformOidc = await oidcFigures('plateforme', config, `${base}/oidc`, secret, apiSecret, (c) =>
    codeFlow(c, base),
  );

  const enumeration = await benchEnumeration(base, probes);
  console.log(
    `\nCompte existant / absent, médianes sur ${enumeration.samples} demandes alternées : ` +
      `mot de passe oublié ${enumeration.resetExistingMedianMs} / ${enumeration.resetMissingMedianMs} ms, ` +
      `identifiant oublié ${enumeration.reminderExistingMedianMs} / ${enumeration.reminderMissingMedianMs} ms, ` +
      `inscription ${enumeration.registrationExistingMedianMs} / ${enumeration.registrationNewMedianMs} ms`,
  );

  const loadedRssMb = rssMb(pid);
  const heap = await heapFigures(base);
  console.log(
    `Mémoire après charge (RSS) : ${loadedRssMb.toFixed(0)} Mo, dont tas V8 ${heap.heapTotalMb} Mo (utilisés ${heap.heapUsedMb}), ` +
      `mémoire externe ${heap.externalMb} Mo`,
  );
  const afterCollection = snapshotDir ? await heapSnapshot(pid, snapshotDir, base) : undefined;
  watchedPid = undefined;
  platform.child.kill('SIGTERM');
  await platform.exited;

  // The same measures on a bare oidc-provider (memory adapter, same protocol settings), same core.
  const barePort = await freePort();
  const bareBase = `http://127.0.0.1:${barePort}`;
  const bare = launch(
    {
      PORT: String(barePort),
      BENCH_SECRET: secret,
      BENCH_API_SECRET: apiSecret,
      BENCH_API_RESOURCE: API_RESOURCE,
      BENCH_API_SCOPE: API_SCOPE,
      BENCH_PASSWORD: PASSWORD,
      BENCH_REDIRECT_URI: REDIRECT_URI,
      BARE: '1',
      ...(env.NODE_OPTIONS ? { NODE_OPTIONS: env.NODE_OPTIONS } : {}),
    },
    existsSync('/usr/bin/taskset') ? 'dist/bench/pinned.js' : 'dist/bench/bare-provider.js',
  );
  await waitUntilReady(bare, `${bareBase}/.well-known/openid-configuration`, 30_000);
  const bareConfig = await client.discovery(new URL(bareBase), 'banc', undefined, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests],
  });
  const bareOidc = await oidcFigures('oidc-provider nu', bareConfig, bareBase, secret, apiSecret, (c) =>
    codeFlow(c, bareBase),
  );
  bare.child.kill('SIGTERM');
  await bare.exited;

  console.log('\nPlateforme / oidc-provider nu (part du débit du fournisseur nu que la plateforme atteint) :');
  for (const [i, figure] of platformOidc.figures.entries()) {
    const reference = bareOidc.figures[i];
    console.log(
      `  ${figure.name.padEnd(38)} ${String(figure.requestsPerSecond).padStart(6)} / ${String(reference.requestsPerSecond).padStart(6)} req/s  = ${Math.round((100 * figure.requestsPerSecond) / reference.requestsPerSecond)} %`,
    );
  }
  console.log(
    `  ${'flux complet code + mot de passe'.padEnd(38)} ${platformOidc.flowsPerSecond.toFixed(1).padStart(6)} / ${bareOidc.flowsPerSecond.toFixed(1).padStart(6)} flux/s = ${Math.round((100 * platformOidc.flowsPerSecond) / bareOidc.flowsPerSecond)} %`,
  );
  console.log(
    `  ${`flux complet, ${CONNECTIONS} clients en parallèle`.padEnd(38)} ${platformOidc.concurrentFlowsPerSecond.toFixed(1).padStart(6)} / ${bareOidc.concurrentFlowsPerSecond.toFixed(1).padStart(6)} flux/s = ${Math.round((100 * platformOidc.concurrentFlowsPerSecond) / bareOidc.concurrentFlowsPerSecond)} %`,
  );
  const flowsPerSecond = platformOidc.flowsPerSecond;
  const scaleOut = env.DATABASE_URL ? await scaleOutLine(env, secret) : undefined;

  const outbox = await benchOutbox(env.DATABASE_URL, env.SECRET_KEY);
  console.log(
    `\nFile d’envoi vers un serveur SMTP local : ${outbox.messagesPerSecond.toFixed(0)} messages/s (${outbox.messages} messages) ; ` +
      `du commit à la réception, file au repos : médiane ${outbox.idleLatencyMedianMs} ms, p95 ${outbox.idleLatencyP95Ms} ms`,
  );
  figures.push(...platformOidc.figures);

  const dir = join(projectRoot(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        database,
        connections: CONNECTIONS,
        durationS: DURATION_S,
        readyMs,
        idleRssMb,
        idleHeap,
        loadedRssMb,
        heap,
        afterCollection,
        flowsPerSecond,
        statements,
        scaleOut,
        figures,
        bare: bareOidc,
        outbox,
        enumeration,
      },
      null,
      2,
    ),
  );
  console.log(`Résultats : ${file}`);
  if (process.env.BENCH_CPU_PROFILE) {
    writeFileSync(join(process.env.BENCH_CPU_PROFILE, 'fenetres.json'), JSON.stringify(windows, null, 2));
  }
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * The scale-out line, on a PostgreSQL server only: client credentials and concurrent whole flows against one
 * instance, then two on the same database, each pinned to its own core (cores 0 and 1).
 */
async function scaleOutLine(
  env: Record<string, string>,
  secret: string,
): Promise<{ instances: number; clientCredentialsPerSecond: number; concurrentFlowsPerSecond: number }[]> {
  const basic = `Basic ${Buffer.from(`banc:${secret}`).toString('base64')}`;
  const results = [];
  console.log('\nMise à l’échelle (même base PostgreSQL, une instance par cœur) :');
  for (const instances of [1, 2]) {
    // Every flow comes from 127.0.0.1: the per-address cap on authorization requests (1,000 a quarter hour, counted in
    // the database) would refuse the later rounds. The bench measures throughput, not the throttle: start each round
    // with empty counters.
    const sql = new PgClient({ connectionString: env.DATABASE_URL });
    await sql.connect();
    await sql.query('DELETE FROM sign_in_throttle');
    await sql.end();
    const started: Array<{ platform: PlatformProcess; base: string }> = [];
    for (let i = 0; i < instances; i++) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const platform = existsSync('/usr/bin/taskset')
        ? launch(
            { ...env, PORT: String(port), PUBLIC_URL: env.PUBLIC_URL, BENCH_CORE: String(i) },
            'dist/bench/pinned.js',
          )
        : launch({ ...env, PORT: String(port), PUBLIC_URL: env.PUBLIC_URL });
      await waitUntilReady(platform, `${base}/health`, 120_000);
      started.push({ platform, base });
    }
    const tokenRuns = await Promise.all(
      started.map(({ base }) =>
        autocannon({
          connections: CONNECTIONS,
          duration: DURATION_S,
          url: `${base}/oidc/token`,
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        }),
      ),
    );
    const clientCredentialsPerSecond = Math.round(tokenRuns.reduce((sum, run) => sum + run.requests.average, 0));
    // Each instance's flows go through its own pages and endpoints (its discovery document names them from the
    // request's host), under the one issuer of the deployment (the public URL): read each document as it is, since
    // `discovery()` would refuse an issuer that is not the URL it was fetched from.
    const configs = await Promise.all(
      started.map(async ({ base }) => {
        const metadata = (await (
          await fetch(`${base}/oidc/.well-known/openid-configuration`)
        ).json()) as client.ServerMetadata;
        const config = new client.Configuration(metadata, 'banc', undefined, client.ClientSecretBasic(secret));
        client.allowInsecureRequests(config);
        return config;
      }),
    );
    const concurrentFlowsPerSecond = await concurrentFlows(configs, (config) =>
      codeFlow(config, new URL(config.serverMetadata().authorization_endpoint!).origin),
    );
    console.log(
      `  ${instances} instance${instances > 1 ? 's' : ''} : client_credentials ${clientCredentialsPerSecond} req/s, flux complets (${CONNECTIONS} clients) ${concurrentFlowsPerSecond.toFixed(1)} flux/s`,
    );
    results.push({ instances, clientCredentialsPerSecond, concurrentFlowsPerSecond });
    for (const { platform } of started) {
      platform.child.kill('SIGTERM');
      await platform.exited;
    }
  }
  return results;
}

/** Discovery, client credentials, userinfo and the whole code flow, on the platform or the bare provider. */
async function oidcFigures(
  label: string,
  config: client.Configuration,
  issuer: string,
  secret: string,
  apiSecret: string,
  flow: (config: client.Configuration) => Promise<{ access_token: string }>,
): Promise<{ figures: Figure[]; flowsPerSecond: number; concurrentFlowsPerSecond: number }> {
  console.log(`\n${label} :`);
  windowLabel = label;
  const endpoints = config.serverMetadata();
  const basic = `Basic ${Buffer.from(`banc:${secret}`).toString('base64')}`;
  const figures = [
    await load('GET découverte OpenID', { url: `${issuer}/.well-known/openid-configuration` }),
    await load('POST token (client_credentials)', {
      url: endpoints.token_endpoint!,
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }),
    await load('POST token (client_credentials, JWT ES256)', {
      url: endpoints.token_endpoint!,
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`banc-api:${apiSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: API_RESOURCE,
        scope: API_SCOPE,
      }).toString(),
    }),
    // The token is taken just before: the bare provider's memory adapter keeps only the last 1,000 items.
    await flow(config).then(({ access_token }) =>
      load('GET userinfo', { url: endpoints.userinfo_endpoint!, headers: { authorization: `Bearer ${access_token}` } }),
    ),
  ];
  // The whole code flow with a password sign-in, one after the other (argon2id dominates).
  const started = performance.now();
  let flows = 0;
  await timed('flux complet séquentiel', async () => {
    while (performance.now() - started < DURATION_S * 1000) {
      await flow(config);
      flows++;
    }
  });
  const flowsPerSecond = flows / ((performance.now() - started) / 1000);
  console.log(
    `${'Flux complet code + mot de passe (séquentiel)'.padEnd(40)} ${flowsPerSecond.toFixed(1).padStart(6)} flux/s`,
  );
  const concurrentFlowsPerSecond = await timed(`flux complets, ${CONNECTIONS} clients`, () =>
    concurrentFlows([config], flow),
  );
  console.log(
    `${`Flux complet, ${CONNECTIONS} clients en parallèle`.padEnd(40)} ${concurrentFlowsPerSecond.toFixed(1).padStart(6)} flux/s`,
  );
  return { figures, flowsPerSecond, concurrentFlowsPerSecond };
}

/** Whole flows by `CONNECTIONS` clients at once for `DURATION_S`, spread over the configurations (instances). */
async function concurrentFlows(
  configs: client.Configuration[],
  flow: (config: client.Configuration) => Promise<unknown>,
): Promise<number> {
  const started = performance.now();
  let flows = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, i) => {
      while (performance.now() - started < DURATION_S * 1000) {
        await flow(configs[i % configs.length]);
        flows++;
      }
    }),
  );
  return flows / ((performance.now() - started) / 1000);
}

/**
 * Asks the platform for a heap snapshot (`--heapsnapshot-signal`: V8 collects everything first), waits until the file
 * is written, and measures the memory again: what the load left held, apart from garbage.
 */
async function heapSnapshot(
  pid: number,
  dir: string,
  base: string,
): Promise<{ file: string; rssMb: number; heapTotalMb: number; heapUsedMb: number; externalMb: number }> {
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  let file = '';
  let size = -1;
  for (let waited = 0; waited < 120_000; waited += 500) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    file = readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name)) ?? '';
    if (!file) continue;
    const current = statSync(join(dir, file)).size;
    // Written once the size stops changing and the platform answers again (it is blocked while it writes).
    if (current > 0 && current === size && (await fetch(`${base}/health/live`)).ok) break;
    size = current;
  }
  const figures = { file: join(dir, file), rssMb: Math.round(rssMb(pid)), ...(await heapFigures(base)) };
  console.log(
    `Après une collecte complète (instantané ${figures.file}) : RSS ${figures.rssMb} Mo, tas V8 ${figures.heapTotalMb} Mo ` +
      `(utilisés ${figures.heapUsedMb}), mémoire externe ${figures.externalMb} Mo`,
  );
  return figures;
}

/** The pid of the server itself (under `taskset`, the child of the wrapper). */
function serverPid(platform: PlatformProcess): number {
  const wrapper = platform.child.pid!;
  try {
    const children = readFileSync(`/proc/${wrapper}/task/${wrapper}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    return children.length ? Number(children[0]) : wrapper;
  } catch {
    return wrapper;
  }
}

/** The bare provider's interaction endpoint signs in at once: the flow is the same minus the pages. */
async function codeFlow(config: client.Configuration, base: string): Promise<{ access_token: string }> {
  const { tokens } = await passwordCodeFlow(config, base, {
    identifier: 'banc',
    password: PASSWORD,
    redirectUri: REDIRECT_URI,
  });
  return tokens!;
}

main().catch(async (error: unknown) => {
  console.error(error);
  for (const started of launched) started.child.kill('SIGTERM');
  await Promise.all([...launched].map((started) => started.exited));
  process.exit(1);
});
