import { DomainError, type ErrorKind } from '../../platform/errors';

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
