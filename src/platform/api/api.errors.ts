import { DomainError, type ErrorKind, type FieldErrors } from '../errors';

export enum ApiErrorCode {
  TOKEN_MISSING = 'TOKEN_MISSING',
  TOKEN_INVALID = 'TOKEN_INVALID',
  INSUFFICIENT_SCOPE = 'INSUFFICIENT_SCOPE',
  INVALID_CURSOR = 'INVALID_CURSOR',
  INVALID_IDEMPOTENCY_KEY = 'INVALID_IDEMPOTENCY_KEY',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_KEY_IN_USE = 'IDEMPOTENCY_KEY_IN_USE',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
}

const kinds: Record<ApiErrorCode, ErrorKind> = {
  [ApiErrorCode.TOKEN_MISSING]: 'unauthenticated',
  [ApiErrorCode.TOKEN_INVALID]: 'unauthenticated',
  [ApiErrorCode.INSUFFICIENT_SCOPE]: 'forbidden',
  [ApiErrorCode.INVALID_CURSOR]: 'invalid',
  [ApiErrorCode.INVALID_IDEMPOTENCY_KEY]: 'invalid',
  [ApiErrorCode.IDEMPOTENCY_KEY_REUSED]: 'unprocessable',
  [ApiErrorCode.IDEMPOTENCY_KEY_IN_USE]: 'conflict',
  [ApiErrorCode.METHOD_NOT_ALLOWED]: 'invalid',
};

const messages: Record<ApiErrorCode, string> = {
  [ApiErrorCode.TOKEN_MISSING]:
    'Un jeton d’accès est nécessaire : envoyez l’en-tête « Authorization: Bearer <jeton> » obtenu au point de jeton du fournisseur.',
  [ApiErrorCode.TOKEN_INVALID]: 'Le jeton d’accès est invalide ou expiré.',
  [ApiErrorCode.INSUFFICIENT_SCOPE]: 'Le jeton d’accès ne donne pas les droits nécessaires à cette opération.',
  [ApiErrorCode.INVALID_CURSOR]:
    'Le curseur de pagination est invalide : reprenez-le tel que la page précédente l’a donné.',
  [ApiErrorCode.INVALID_IDEMPOTENCY_KEY]:
    'L’en-tête Idempotency-Key doit contenir de 1 à 255 caractères visibles (un UUID, par exemple).',
  [ApiErrorCode.IDEMPOTENCY_KEY_REUSED]:
    'Cette clé d’idempotence a déjà servi pour une requête différente : utilisez une nouvelle clé pour une nouvelle requête.',
  [ApiErrorCode.IDEMPOTENCY_KEY_IN_USE]:
    'Une requête avec cette clé d’idempotence est encore en cours : réessayez dans quelques instants.',
  [ApiErrorCode.METHOD_NOT_ALLOWED]: 'Cette méthode n’est pas possible sur cette adresse.',
};

/** Errors of the API layer itself: tokens, scopes, cursors, idempotency keys. */
export class ApiError extends DomainError {
  constructor(code: ApiErrorCode, message = messages[code], fields?: FieldErrors) {
    super(code, kinds[code], message, fields);
  }
}
