import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's first recommended setting (m = 19 MiB, t = 2, p = 1). Parameters live in each hash, so
 * raising them later only affects new hashes.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * At most this many hashes computed at once (each takes 19 MiB while it runs, on one of libuv's threads): a burst of
 * sign-ins waits its turn instead of growing the process's memory (each thread's allocator keeps what it once
 * used). Two keep a core busy; more would only share it.
 */
const CONCURRENT_HASHES = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

// Verified when the account does not exist, so that "no such account" takes as long as "wrong password".
let dummyHash: Promise<string> | undefined;

export const passwordHasher = {
  hash: (password: string): Promise<string> => limited(() => hash(password, OPTIONS)),

  async verify(hashed: string | null | undefined, password: string): Promise<boolean> {
    if (!hashed) {
      dummyHash ??= limited(() => hash('mot de passe factice', OPTIONS));
      const dummy = await dummyHash;
      await limited(() => verify(dummy, password)).catch(() => false);
      return false;
    }
    return limited(() => verify(hashed, password)).catch(() => false);
  },
};
