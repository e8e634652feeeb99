import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id with OWASP's first recommended setting (m = 19 MiB, t = 2, p = 1). Parameters live in each hash, so
 * raising them later only affects new hashes.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// Verified when the account does not exist, so that "no such account" takes as long as "wrong password".
let dummyHash: Promise<string> | undefined;

export const passwordHasher = {
  hash: (password: string): Promise<string> => hash(password, OPTIONS),

  async verify(hashed: string | null | undefined, password: string): Promise<boolean> {
    if (!hashed) {
      dummyHash ??= hash('mot de passe factice', OPTIONS);
      await verify(await dummyHash, password).catch(() => false);
      return false;
    }
    return verify(hashed, password).catch(() => false);
  },
};
