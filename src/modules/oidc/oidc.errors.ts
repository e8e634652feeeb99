import { DomainError, type ErrorKind } from '../../platform/errors';

export enum OidcErrorCode {
  INTERACTION_EXPIRED = 'INTERACTION_EXPIRED',
  INVALID_CLIENT_METADATA = 'INVALID_CLIENT_METADATA',
  CLIENT_EXISTS = 'CLIENT_EXISTS',
  CLIENT_NOT_FOUND = 'CLIENT_NOT_FOUND',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
}

const kinds: Record<OidcErrorCode, ErrorKind> = {
  [OidcErrorCode.INTERACTION_EXPIRED]: 'invalid',
  [OidcErrorCode.INVALID_CLIENT_METADATA]: 'invalid',
  [OidcErrorCode.CLIENT_EXISTS]: 'conflict',
  [OidcErrorCode.CLIENT_NOT_FOUND]: 'not_found',
  [OidcErrorCode.TOO_MANY_ATTEMPTS]: 'rate_limited',
};

export class OidcError extends DomainError {
  constructor(code: OidcErrorCode, message: string) {
    super(code, kinds[code], message);
  }
}
