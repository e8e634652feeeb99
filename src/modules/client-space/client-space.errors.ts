import { isUUID } from 'class-validator';
import { DomainError, type ErrorKind, type FieldErrors } from '../../platform/errors';
import { t } from '../../platform/i18n/i18n';

export enum ClientSpaceErrorCode {
  FIRM_NOT_FOUND = 'FIRM_NOT_FOUND',
  CLIENT_NOT_FOUND = 'CLIENT_NOT_FOUND',
  DOSSIER_NOT_FOUND = 'DOSSIER_NOT_FOUND',
  ITEM_NOT_FOUND = 'ITEM_NOT_FOUND',
  REQUEST_NOT_FOUND = 'REQUEST_NOT_FOUND',
  FORM_INVALID = 'FORM_INVALID',
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  FILE_REFUSED = 'FILE_REFUSED',
  READ_ONLY = 'READ_ONLY',
  NOT_PAYABLE = 'NOT_PAYABLE',
  ANTIVIRUS_UNAVAILABLE = 'ANTIVIRUS_UNAVAILABLE',
}

const kinds: Record<ClientSpaceErrorCode, ErrorKind> = {
  [ClientSpaceErrorCode.FIRM_NOT_FOUND]: 'not_found',
  [ClientSpaceErrorCode.CLIENT_NOT_FOUND]: 'not_found',
  [ClientSpaceErrorCode.DOSSIER_NOT_FOUND]: 'not_found',
  [ClientSpaceErrorCode.ITEM_NOT_FOUND]: 'not_found',
  [ClientSpaceErrorCode.REQUEST_NOT_FOUND]: 'not_found',
  [ClientSpaceErrorCode.FORM_INVALID]: 'invalid',
  [ClientSpaceErrorCode.ALREADY_EXISTS]: 'conflict',
  [ClientSpaceErrorCode.FILE_REFUSED]: 'invalid',
  [ClientSpaceErrorCode.READ_ONLY]: 'forbidden',
  [ClientSpaceErrorCode.NOT_PAYABLE]: 'conflict',
  [ClientSpaceErrorCode.ANTIVIRUS_UNAVAILABLE]: 'unavailable',
};

/**
 * Errors of the client space (both sides); messages safe to show, in the page's language (`t()`), French under the
 * JSON API (`FrenchProblemDetails`).
 */
export class ClientSpaceError extends DomainError {
  constructor(code: ClientSpaceErrorCode, message: string, fields?: FieldErrors) {
    super(code, kinds[code], message, fields);
  }
}

export const notFound = (what: 'firm' | 'client' | 'dossier' | 'item' | 'request'): ClientSpaceError => {
  switch (what) {
    case 'firm':
      return new ClientSpaceError(ClientSpaceErrorCode.FIRM_NOT_FOUND, t('clientSpace:errors.firmNotFound'));
    case 'client':
      return new ClientSpaceError(ClientSpaceErrorCode.CLIENT_NOT_FOUND, t('clientSpace:errors.clientNotFound'));
    case 'dossier':
      return new ClientSpaceError(ClientSpaceErrorCode.DOSSIER_NOT_FOUND, t('clientSpace:errors.dossierNotFound'));
    case 'item':
      return new ClientSpaceError(ClientSpaceErrorCode.ITEM_NOT_FOUND, t('clientSpace:errors.itemNotFound'));
    case 'request':
      return new ClientSpaceError(ClientSpaceErrorCode.REQUEST_NOT_FOUND, t('clientSpace:errors.requestNotFound'));
  }
};

/** A form refused: one message per field. */
export const formInvalid = (fields: Record<string, string>): ClientSpaceError =>
  new ClientSpaceError(
    ClientSpaceErrorCode.FORM_INVALID,
    t('clientSpace:errors.formInvalid'),
    Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, [v]])),
  );

/** An id as the database stores it (any version): anything else is « introuvable » before a query is made. */
export const isId = (value: unknown): value is string => typeof value === 'string' && isUUID(value);

/** A form refused field by field (`formInvalid`), which the pages render again with the fields' messages. */
export const isFormInvalid = (error: unknown): error is ClientSpaceError =>
  error instanceof ClientSpaceError && error.code === (ClientSpaceErrorCode.FORM_INVALID as string);
