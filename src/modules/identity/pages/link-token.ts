import { t } from '../../../platform/i18n/i18n';

/**
 * Whether a link token of an e-mail looks right (32 random bytes, base64url). A link cut or altered by a mail client
 * does not: its page says « Ce lien n'est pas valable » and what to do, like a link that has served or expired.
 */
export function isLinkToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/** What every page of a link that does not work says first, in the request's language. */
export function invalidLinkTitle(): string {
  return t('account:link.invalidTitle');
}

export function invalidLinkText(): string {
  return t('account:link.invalidText');
}
