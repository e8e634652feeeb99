/**
 * What kind of failure a domain error is. Services say *what* went wrong; the HTTP status, page or JSON shape is
 * decided in one place, `DomainErrorFilter`.
 */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** Understood but refused as sent (422): an `Idempotency-Key` reused with another body, say. */
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

/** Per-field messages, for forms and for the JSON API (`{ email: ['Adresse invalide'] }`). */
export type FieldErrors = Record<string, string[]>;

/**
 * Base of every module's error class (`IdentityError`, `SubscriptionsError`, ...), each with its own code enum.
 * `message` is French and safe to show to the person who caused it: never an internal detail.
 */
export abstract class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
