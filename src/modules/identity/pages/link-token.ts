import { PlatformError, PlatformErrorCode } from '../../../platform/errors';

/** A link token of an e-mail (32 random bytes, base64url); anything else is a page that does not exist. */
export function checkLinkToken(token: string): void {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
}
