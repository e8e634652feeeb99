import { DomainError, type ErrorKind } from '../../platform/errors';
import { t } from '../../platform/i18n/i18n';

export enum FranceConnectErrorCode {
  ALREADY_LINKED = 'ALREADY_LINKED',
  ACCOUNT_ALREADY_LINKED = 'ACCOUNT_ALREADY_LINKED',
  PASSWORD_REQUIRED = 'PASSWORD_REQUIRED',
}

const kinds: Record<FranceConnectErrorCode, ErrorKind> = {
  [FranceConnectErrorCode.ALREADY_LINKED]: 'conflict',
  [FranceConnectErrorCode.ACCOUNT_ALREADY_LINKED]: 'conflict',
  [FranceConnectErrorCode.PASSWORD_REQUIRED]: 'invalid',
};

export class FranceConnectError extends DomainError {
  constructor(code: FranceConnectErrorCode, message: string) {
    super(code, kinds[code], message);
  }
}

/** What the person reads of a refusal, in the request's language (the error's own message stays French). */
export function franceconnectErrorMessage(error: FranceConnectError): string {
  return t(`franceconnect:errors.${error.code}`);
}
