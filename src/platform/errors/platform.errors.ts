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

const messages: Record<PlatformErrorCode, string> = {
  [PlatformErrorCode.VALIDATION_FAILED]: 'Certaines informations sont manquantes ou incorrectes.',
  [PlatformErrorCode.CSRF_TOKEN_INVALID]:
    'Ce formulaire a expiré ou ne provient pas de ce site. Revenez à la page précédente, rechargez-la, puis envoyez-le à nouveau.',
  [PlatformErrorCode.ACCESS_DENIED]: 'Vous n’avez pas accès à cette page.',
  [PlatformErrorCode.SIGN_IN_REQUIRED]: 'Connectez-vous pour accéder à cette page.',
  [PlatformErrorCode.SIGN_IN_FAILED]:
    'La connexion à votre compte n’a pas pu aboutir. Revenez à la page d’accueil et réessayez.',
  [PlatformErrorCode.SIGN_IN_UNAVAILABLE]:
    'La connexion à votre compte n’a pas pu aboutir : le service est momentanément indisponible. Réessayez dans quelques instants.',
  [PlatformErrorCode.NOT_FOUND]: 'La page que vous cherchez est introuvable.',
};

/** Errors of the platform layer itself (validation, CSRF, access policy). */
export class PlatformError extends DomainError {
  constructor(code: PlatformErrorCode, fields?: FieldErrors, message = messages[code]) {
    super(code, kinds[code], message, fields);
  }
}
