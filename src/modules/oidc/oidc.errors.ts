import { DomainError, type ErrorKind } from '../../platform/errors';

export enum OidcErrorCode {
  INTERACTION_EXPIRED = 'INTERACTION_EXPIRED',
  INVALID_CLIENT_METADATA = 'INVALID_CLIENT_METADATA',
  CLIENT_EXISTS = 'CLIENT_EXISTS',
  CLIENT_NOT_FOUND = 'CLIENT_NOT_FOUND',
  TOO_MANY_ATTEMPTS = 'TOO_MANY_ATTEMPTS',
  INVALID_RESOURCE_SERVER = 'INVALID_RESOURCE_SERVER',
  RESOURCE_SERVER_EXISTS = 'RESOURCE_SERVER_EXISTS',
  RESOURCE_SERVER_NOT_FOUND = 'RESOURCE_SERVER_NOT_FOUND',
}

const kinds: Record<OidcErrorCode, ErrorKind> = {
  [OidcErrorCode.INTERACTION_EXPIRED]: 'invalid',
  [OidcErrorCode.INVALID_CLIENT_METADATA]: 'invalid',
  [OidcErrorCode.CLIENT_EXISTS]: 'conflict',
  [OidcErrorCode.CLIENT_NOT_FOUND]: 'not_found',
  [OidcErrorCode.TOO_MANY_ATTEMPTS]: 'rate_limited',
  [OidcErrorCode.INVALID_RESOURCE_SERVER]: 'invalid',
  [OidcErrorCode.RESOURCE_SERVER_EXISTS]: 'conflict',
  [OidcErrorCode.RESOURCE_SERVER_NOT_FOUND]: 'not_found',
};

export class OidcError extends DomainError {
  constructor(code: OidcErrorCode, message: string) {
    super(code, kinds[code], message);
  }
}
