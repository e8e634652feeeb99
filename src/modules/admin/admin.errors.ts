import { DomainError, type ErrorKind, type FieldErrors } from '../../platform/errors';

export enum AdminErrorCode {
  ACCOUNT_NOT_FOUND = 'ACCOUNT_NOT_FOUND',
  CLIENT_INVALID = 'CLIENT_INVALID',
  CLIENT_NOT_FOUND = 'CLIENT_NOT_FOUND',
  AUDIT_EVENT_NOT_FOUND = 'AUDIT_EVENT_NOT_FOUND',
  CONFIRMATION_MISMATCH = 'CONFIRMATION_MISMATCH',
  INVALID_ROLE = 'INVALID_ROLE',
  MESSAGE_NOT_FOUND = 'MESSAGE_NOT_FOUND',
  MESSAGE_NOT_FAILED = 'MESSAGE_NOT_FAILED',
  OPERATOR_NOT_FOUND = 'OPERATOR_NOT_FOUND',
  STEP_UP_REQUIRED = 'STEP_UP_REQUIRED',
}

const kinds: Record<AdminErrorCode, ErrorKind> = {
  [AdminErrorCode.ACCOUNT_NOT_FOUND]: 'not_found',
  [AdminErrorCode.CLIENT_INVALID]: 'invalid',
  [AdminErrorCode.CLIENT_NOT_FOUND]: 'not_found',
  [AdminErrorCode.AUDIT_EVENT_NOT_FOUND]: 'not_found',
  [AdminErrorCode.CONFIRMATION_MISMATCH]: 'invalid',
  [AdminErrorCode.INVALID_ROLE]: 'invalid',
  [AdminErrorCode.MESSAGE_NOT_FOUND]: 'not_found',
  [AdminErrorCode.MESSAGE_NOT_FAILED]: 'conflict',
  [AdminErrorCode.OPERATOR_NOT_FOUND]: 'not_found',
  [AdminErrorCode.STEP_UP_REQUIRED]: 'forbidden',
};

export class AdminError extends DomainError {
  constructor(code: AdminErrorCode, message: string, fields?: FieldErrors) {
    super(code, kinds[code], message, fields);
  }
}
