import type { Response } from 'express';
import { t } from '../../../../platform/i18n/i18n';
import { IdentityError, IdentityErrorCode } from '../../identity.errors';

/** A page of the account space, in identity's templates, with its section marked in the side menu. */
export function renderAccountPage(res: Response, section: string, title: string, data: Record<string, unknown>): void {
  res.render(`modules/identity/views/account/${section}.njk`, { title, section, signedIn: true, ...data });
}

/** The shell's message page, outside the account space's layout (a link opened signed out, a deleted account). */
export function renderMessagePage(res: Response, title: string, data: Record<string, unknown>): void {
  res.render('platform/views/message.njk', { title, ...data });
}

/** The title of a page re-rendered with errors: « Erreur : Mon profil », « Error: My profile ». */
export function errorTitle(title: string): string {
  return t('account:errorTitle', { title });
}

/** A form the service refused field by field: re-rendered with a message next to each field. */
export function isFormError(error: unknown): error is IdentityError {
  return error instanceof IdentityError && error.code === (IdentityErrorCode.FORM_INVALID as string);
}
