/**
 * `npm test` (and `test:unit`, `test:e2e`, `test:browser`): prepares the database, runs the compiled test files with
 * Node's test runner, and ends with the line `N passed, N failed`.
 *
 * Database, in this order (DESIGN.md, "Testing"):
 * 1. `TEST_DATABASE_URL`: a PostgreSQL server whose user may create databases;
 * 2. a throw-away cluster, when the PostgreSQL server binaries are installed;
 * 3. the embedded database (PGlite).
 * `TEST_DATABASE=embedded` forces the third.
 *
 * Browser tests need Debian's Chromium; with `CI` or `REQUIRE_BROWSER=1` set, a missing browser fails the run
 * instead of skipping them.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { finished } from 'node:stream/promises';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { findPostgresBinaries, startThrowawayCluster, type ThrowawayCluster } from './support/postgres-cluster';
import { dropServerTemplate, prepareEmbeddedTemplate, prepareServerTemplate } from './support/test-database';
import { CHROMIUM_PATH } from './support/browser';
import { scanKeptLogs } from './support/log-capture';

type Suite = 'unit' | 'e2e' | 'browser';
const patterns: Record<Suite, RegExp> = {
  unit: /\.spec\.js$/,
  e2e: /\.e2e\.js$/,
  browser: /\.browser\.js$/,
};

const dist = join(__dirname, '..');

function listFiles(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listFiles(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

async function prepareDatabase(): Promise<() => Promise<void>> {
  const explicit = process.env.TEST_DATABASE_URL;
  if (explicit) {
    console.log('Base de test : serveur PostgreSQL de TEST_DATABASE_URL');
    await prepareServerTemplate(explicit);
    Object.assign(process.env, { TEST_DB_MODE: 'server', TEST_DB_ADMIN_URL: explicit });
    return () => dropServerTemplate(explicit);
  }
  const binaries = process.env.TEST_DATABASE === 'embedded' ? undefined : findPostgresBinaries();
  if (binaries) {
    const cluster: ThrowawayCluster = await startThrowawayCluster(binaries);
    console.log(`Base de test : cluster jetable (${cluster.version})`);
    await prepareServerTemplate(cluster.adminUrl);
    Object.assign(process.env, { TEST_DB_MODE: 'server', TEST_DB_ADMIN_URL: cluster.adminUrl });
    return async () => cluster.stop();
  }
  console.log('Base de test : base embarquée (PGlite)');
  const dir = mkdtempSync(join(tmpdir(), 'platform-test-template-'));
  const archive = join(dir, 'template.tar');
  writeFileSync(archive, Buffer.from(await (await prepareEmbeddedTemplate()).arrayBuffer()));
  Object.assign(process.env, { TEST_DB_MODE: 'embedded', TEST_DB_ARCHIVE: archive });
  return async () => rmSync(dir, { recursive: true, force: true });
}

function checkBrowser(suites: Suite[]): boolean {
  if (!suites.includes('browser')) return true;
  if (existsSync(CHROMIUM_PATH)) return true;
  const required = Boolean(process.env.CI) || process.env.REQUIRE_BROWSER === '1';
  const reason = `Chromium absent (${CHROMIUM_PATH}) : installez-le avec « apt-get install -y chromium »`;
  if (required) {
    console.error(`${reason}. Les tests dans un navigateur sont obligatoires ici (CI ou REQUIRE_BROWSER=1).`);
    return false;
  }
  console.warn(`${reason}. Les tests dans un navigateur sont sautés.`);
  process.env.TEST_SKIP_BROWSER = reason;
  return true;
}

async function main(): Promise<number> {
  const requested = process.argv[2];
  const suites: Suite[] = requested ? [requested as Suite] : ['unit', 'e2e', 'browser'];
  if (!suites.every((s) => s in patterns)) {
    console.error(`Suite inconnue « ${requested} » : unit, e2e ou browser.`);
    return 2;
  }
  if (!checkBrowser(suites)) {
    console.log('0 passed, 1 failed');
    return 1;
  }
  // `TEST_ONLY=notifications npm run test:e2e`: only the files whose path contains that text.
  const only = process.env.TEST_ONLY;
  const files = suites
    .flatMap((suite) =>
      suite === 'unit'
        ? [...listFiles(join(dist, 'src'), patterns.unit), ...listFiles(join(dist, 'test'), patterns.unit)]
        : listFiles(join(dist, 'test'), patterns[suite]),
    )
    .filter((file) => !only || relative(dist, file).includes(only));
  if (files.length === 0) {
    console.error('Aucun fichier de test trouvé : la compilation (npm run build) a-t-elle eu lieu ?');
    return 1;
  }

  const teardown = await prepareDatabase();
  // The applications started by the end-to-end and browser tests keep their logs here, read at the end.
  const logDir = suites.some((suite) => suite !== 'unit')
    ? mkdtempSync(join(tmpdir(), 'platform-test-logs-'))
    : undefined;
  if (logDir) process.env.TEST_LOG_DIR = logDir;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const stream = run({ files, concurrency: 2, isolation: 'process', timeout: 5 * 60_000 });
    stream.on('test:pass', (event) => {
      if (event.details.type === 'suite') return;
      if (event.skip || event.todo) skipped++;
      else passed++;
    });
    stream.on('test:fail', (event) => {
      // A suite fails when one of its tests does; that test is counted already. Any other failure of a suite (a hook,
      // a file that did not load) counts once.
      const failureType = (event.details.error as { failureType?: string } | undefined)?.failureType;
      if (failureType !== 'subtestsFailed') failed++;
    });
    const output = stream.compose(spec);
    output.pipe(process.stdout);
    await finished(output);
  } finally {
    await teardown();
  }
  if (logDir) {
    // One more test, over all the others: nothing personal or secret reached the logs (STYLE.md, "Errors and logs").
    const scan = scanKeptLogs(logDir);
    if (scan.findings.length === 0) {
      passed++;
      console.log(`✔ Journaux sans données personnelles ni secrets (${scan.lines} lignes, ${scan.files} fichiers)`);
    } else {
      failed++;
      console.log(
        `✖ Données personnelles ou secrets dans les journaux :\n${scan.findings.map((f) => `  ${f}`).join('\n')}`,
      );
    }
    rmSync(logDir, { recursive: true, force: true });
  }
  console.log(`\n${files.length} fichiers de test : ${files.map((f) => relative(dist, f)).join(', ')}`);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
