/**
 * SQLSTATEs that mean two requests changed the same thing at once and this one lost: a unique constraint hit by a
 * concurrent insert (two invitations of one e-mail, two FranceConnect links of one identity), a serialization failure,
 * a deadlock. Services check what they can first; this is the net for the race they cannot see.
 */
const CONCURRENT_WRITE_CODES = new Set(['23505', '40001', '40P01']);

export const CONCURRENT_WRITE_MESSAGE =
  'Une autre demande a modifié ces informations au même moment. Rechargez la page et vérifiez avant de réessayer.';

/** Whether a database error (TypeORM's `QueryFailedError` or the driver's own) is a lost concurrent write. */
export function isConcurrentWrite(error: unknown): boolean {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  const sqlState = typeof code === 'string' ? code : driverError?.code;
  return typeof sqlState === 'string' && CONCURRENT_WRITE_CODES.has(sqlState);
}
