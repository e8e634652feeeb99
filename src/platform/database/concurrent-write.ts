/**
 * SQLSTATEs that mean two requests changed the same thing at once and this one lost: a unique constraint hit by a
 * concurrent insert (two invitations of one e-mail, two FranceConnect links of one identity), a serialization failure,
 * a deadlock. Services check what they can first; this is the net for the race they cannot see.
 */
const CONCURRENT_WRITE_CODES = new Set(['23505', '40001', '40P01']);

export const CONCURRENT_WRITE_MESSAGE =
  'Une autre demande a modifié ces informations au même moment. Rechargez la page et vérifiez avant de réessayer.';

/** The SQLSTATE of a database error (TypeORM's `QueryFailedError` or the driver's own), if it is one. */
function sqlStateOf(error: unknown): string | undefined {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  const sqlState = typeof code === 'string' ? code : driverError?.code;
  return typeof sqlState === 'string' ? sqlState : undefined;
}

/** Whether a database error is a lost concurrent write. */
export function isConcurrentWrite(error: unknown): boolean {
  const sqlState = sqlStateOf(error);
  return sqlState !== undefined && CONCURRENT_WRITE_CODES.has(sqlState);
}

/** Whether a unique index refused the row (PostgreSQL's `unique_violation`), for a service that names the field. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23505';
}
