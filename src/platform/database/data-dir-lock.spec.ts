import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { StartupError } from '../errors';
import { DataDirLock } from './data-dir-lock';

const tempDir = () => mkdtempSync(join(tmpdir(), 'platform-lock-'));

describe('DataDirLock', () => {
  it('refuses a folder held by another running process, with a message naming it', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(join(dir, 'embedded-database.lock'), String(other.pid));
      assert.throws(
        () => DataDirLock.acquire(dir),
        (error: unknown) =>
          error instanceof StartupError &&
          error.message.includes(`pid ${other.pid}`) &&
          error.message.includes('déjà utilisé'),
      );
    } finally {
      other.kill('SIGKILL');
    }
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
