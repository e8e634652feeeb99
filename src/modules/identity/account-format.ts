import { t } from '../../platform/i18n/i18n';

/** Shapes of an account's e-mail and identifier, shared by every way an account is created. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const IDENTIFIER_RULE =
  'L’identifiant compte de 3 à 64 caractères : lettres minuscules sans accent, chiffres, point, tiret ou tiret bas.';
/** `IDENTIFIER_RULE` in the current request's language (the registration forms). */
export const identifierRule = (): string => t('registration:identifier.rule');
