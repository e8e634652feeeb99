import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Answers no sooner than `ms` after `startedAt` (from `performance.now()`), so that the time a request takes does not
 * tell which path it took: whether an account exists, on registration and recovery. The floor is set well above the
 * slower path; the bench prints both paths' times (« Compte existant / absent »).
 */
export async function noSoonerThan(startedAt: number, ms: number): Promise<void> {
  const left = startedAt + ms - performance.now();
  if (left > 0) await sleep(left);
}
