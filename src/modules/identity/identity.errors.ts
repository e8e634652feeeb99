import { DomainError, type ErrorKind, type FieldErrors } from '../../platform/errors';

export enum IdentityErrorCode {
  IDENTIFIER_TAKEN = 'IDENTIFIER_TAKEN',
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  INVALID_EMAIL = 'INVALID_EMAIL',
  INVALID_IDENTIFIER = 'INVALID_IDENTIFIER',
  WEAK_PASSWORD = 'WEAK_PASSWORD',
  ACCOUNT_NOT_FOUND = 'ACCOUNT_NOT_FOUND',
  SIGN_IN_FAILED = 'SIGN_IN_FAILED',
  REGISTRATION_INVALID = 'REGISTRATION_INVALID',
  FORM_INVALID = 'FORM_INVALID',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
}

const kinds: Record<IdentityErrorCode, ErrorKind> = {
  [IdentityErrorCode.IDENTIFIER_TAKEN]: 'conflict',
  [IdentityErrorCode.EMAIL_TAKEN]: 'conflict',
  [IdentityErrorCode.INVALID_EMAIL]: 'invalid',
  [IdentityErrorCode.INVALID_IDENTIFIER]: 'invalid',
  [IdentityErrorCode.WEAK_PASSWORD]: 'invalid',
  [IdentityErrorCode.ACCOUNT_NOT_FOUND]: 'not_found',
  [IdentityErrorCode.SIGN_IN_FAILED]: 'unavailable',
  [IdentityErrorCode.REGISTRATION_INVALID]: 'invalid',
  [IdentityErrorCode.FORM_INVALID]: 'invalid',
  [IdentityErrorCode.TOO_MANY_REQUESTS]: 'rate_limited',
};

export class IdentityError extends DomainError {
  constructor(code: IdentityErrorCode, message: string, fields?: FieldErrors) {
    super(code, kinds[code], message, fields);
  }
}
