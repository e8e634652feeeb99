import { DomainError, type ErrorKind, type FieldErrors } from '../../platform/errors';

export enum SecondaryAccountsErrorCode {
  COMPANY_ACCOUNT_NOT_FOUND = 'COMPANY_ACCOUNT_NOT_FOUND',
  NOT_A_COMPANY = 'NOT_A_COMPANY',
  FORM_INVALID = 'FORM_INVALID',
  QUOTA_REACHED = 'QUOTA_REACHED',
}

const kinds: Record<SecondaryAccountsErrorCode, ErrorKind> = {
  [SecondaryAccountsErrorCode.COMPANY_ACCOUNT_NOT_FOUND]: 'not_found',
  [SecondaryAccountsErrorCode.NOT_A_COMPANY]: 'invalid',
  [SecondaryAccountsErrorCode.FORM_INVALID]: 'invalid',
  [SecondaryAccountsErrorCode.QUOTA_REACHED]: 'conflict',
};

export class SecondaryAccountsError extends DomainError {
  constructor(code: SecondaryAccountsErrorCode, message: string, fields?: FieldErrors) {
    super(code, kinds[code], message, fields);
  }
}
