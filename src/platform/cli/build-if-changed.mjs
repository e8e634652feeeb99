// `npm run cli` compiles only when a source changed since the last build it made: a command answers in a second or
// two instead of waiting for a whole compilation. `npm run build` (which empties dist/) still builds from scratch.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const stamp = join(root, 'dist', '.cli-build-stamp');
const sources = ['src', 'migrations', 'test', 'bench', 'tsconfig.json', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...sources.map((source) => newest(join(root, source))));
if (changed >= built || !existsSync(join(root, 'dist', 'src', 'platform', 'cli', 'cli.js'))) {
  const started = Date.now();
  try {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        root,
        '--incremental',
        '--tsBuildInfoFile',
        join(root, 'dist', '.tsbuildinfo'),
      ],
      { stdio: 'inherit' },
    );
  } catch {
    process.exit(1);
  }
  writeFileSync(stamp, new Date(started).toISOString());
  // The stamp's time is the start of the compilation: a source saved during it is compiled next time.
  utimesSync(stamp, new Date(started), new Date(started));
}
