import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { StartupError } from '../errors';
import { DataDirLock } from './data-dir-lock';

const tempDir = () => mkdtempSync(join(tmpdir(), 'platform-lock-'));

describe('DataDirLock', () => {
  it('refuses a folder whose lock another live process holds, and leaves that lock alone', async () => {
    const dir = tempDir();
    // A real second process takes the lock with the same code, and keeps running.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(join(__dirname, 'data-dir-lock.js'))}).DataDirLock.acquire(process.argv[1]);
         process.stdout.write('pris\\n'); setInterval(() => {}, 1000);`,
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [first] = (await once(holder.stdout, 'data')) as [Buffer];
      assert.equal(first.toString().trim(), 'pris');
      const lockFile = join(dir, 'embedded-database.lock');
      assert.equal(readFileSync(lockFile, 'utf8'), String(holder.pid));
      assert.throws(
        () => DataDirLock.acquire(dir),
        (error: unknown) =>
          error instanceof StartupError &&
          error.message.includes(`pid ${holder.pid}`) &&
          error.message.includes('déjà utilisé'),
      );
      assert.equal(readFileSync(lockFile, 'utf8'), String(holder.pid), 'the holder keeps its lock');
    } finally {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
    }
    // Once the holder is gone (killed, lock left behind), the folder can be taken.
    DataDirLock.acquire(dir).release();
  });

  it('takes over the lock of a process that died without releasing it', async () => {
    const dir = tempDir();
    const dead = spawn(process.execPath, ['-e', '0']);
    await once(dead, 'exit');
    writeFileSync(join(dir, 'embedded-database.lock'), String(dead.pid));
    const lock = DataDirLock.acquire(dir);
    lock.release();
    assert.equal(existsSync(join(dir, 'embedded-database.lock')), false);
  });

  it('lets the folder be taken again once released', () => {
    const dir = tempDir();
    DataDirLock.acquire(dir).release();
    DataDirLock.acquire(dir).release();
  });
});
