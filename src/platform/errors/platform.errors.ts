import { DEFAULT_LOCALE, translate } from '../i18n/i18n';
import { DomainError, type ErrorKind, type FieldErrors } from './domain-error';

export enum PlatformErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  CSRF_TOKEN_INVALID = 'CSRF_TOKEN_INVALID',
  ACCESS_DENIED = 'ACCESS_DENIED',
  SIGN_IN_REQUIRED = 'SIGN_IN_REQUIRED',
  SIGN_IN_FAILED = 'SIGN_IN_FAILED',
  SIGN_IN_UNAVAILABLE = 'SIGN_IN_UNAVAILABLE',
  NOT_FOUND = 'NOT_FOUND',
}

const kinds: Record<PlatformErrorCode, ErrorKind> = {
  [PlatformErrorCode.VALIDATION_FAILED]: 'invalid',
  [PlatformErrorCode.CSRF_TOKEN_INVALID]: 'forbidden',
  [PlatformErrorCode.ACCESS_DENIED]: 'forbidden',
  [PlatformErrorCode.SIGN_IN_REQUIRED]: 'unauthenticated',
  [PlatformErrorCode.SIGN_IN_FAILED]: 'invalid',
  [PlatformErrorCode.SIGN_IN_UNAVAILABLE]: 'unavailable',
  [PlatformErrorCode.NOT_FOUND]: 'not_found',
};

/**
 * The French message of each code, from the `errors` catalogue (`errors:codes.<CODE>`). It stays French (the JSON API's
 * problem details are French); an error page shows it in the page's language by its code (domain-error.filter.ts).
 */
const frenchMessage = (code: PlatformErrorCode) => translate(DEFAULT_LOCALE, `errors:codes.${code}`);

/** Errors of the platform layer itself (validation, CSRF, access policy). */
export class PlatformError extends DomainError {
  constructor(code: PlatformErrorCode, fields?: FieldErrors, message = frenchMessage(code)) {
    super(code, kinds[code], message, fields);
  }
}
