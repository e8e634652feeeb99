import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { projectRoot } from '../../src/platform/views/views';
import { keepProcessOutput } from './log-capture';

/** A separate process of the built platform (`dist/src/main.js`), as `npm start` runs it. */
export interface PlatformProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

export function spawnPlatform(
  env: Record<string, string>,
  script = 'dist/src/main.js',
  args: string[] = [],
): PlatformProcess {
  let output = '';
  const child = spawn(process.execPath, [join(projectRoot(), script), ...args], {
    cwd: projectRoot(),
    // Only what the test gives, plus PATH: the developer's own variables must not leak into the test.
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => {
    // The platform's own log is checked for personal data with the others (the command line prints what it did).
    if (script === 'dist/src/main.js') keepProcessOutput(output);
    return code as number | null;
  });
  return { child, output: () => output, exited };
}

/** Waits until `url` answers 200, the process exits, or `timeoutMs` passes. */
export async function waitUntilReady(platform: PlatformProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void platform.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`Le processus s’est arrêté avant d’être prêt :\n${platform.output()}`);
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Pas prêt après ${timeoutMs} ms :\n${platform.output()}`);
}
