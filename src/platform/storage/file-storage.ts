import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Where files go (identity documents, client-space documents): keys like `identity/<uuid>`, never names chosen by
 * people. The default keeps them on local disk under `DATA_DIR/files`; an S3-compatible bucket is the other
 * implementation DESIGN.md plans (not written yet).
 */
export abstract class FileStorage {
  abstract put(key: string, data: Buffer): Promise<void>;
  /** The file, or `undefined` when there is none under that key. */
  abstract get(key: string): Promise<Buffer | undefined>;
  /** Removes the file; no error when it is already gone. */
  abstract delete(key: string): Promise<void>;
}

const KEY = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;

/** Files under a folder of the local disk, readable by the platform's user only, written atomically. */
export class LocalDiskStorage extends FileStorage {
  constructor(private readonly root: string) {
    super();
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${randomUUID()}.tmp`;
    await writeFile(temporary, data, { mode: 0o600 });
    await rename(temporary, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    if (!KEY.test(key)) throw new Error(`Clé de fichier invalide : ${key}`);
    return join(this.root, ...key.split('/'));
  }
}
