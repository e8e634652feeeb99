import type { Response } from 'express';
import { t } from '../../../platform/i18n/i18n';
import { invalidLinkText, invalidLinkTitle } from './link-token';

const MESSAGE = 'platform/views/message.njk';

/** The activation link's page: a button confirms it, so that a mail scanner opening links does not use it. */
export function renderActivationConfirm(res: Response, token: string): void {
  res.render(MESSAGE, {
    title: t('account:activation.title'),
    paragraphs: [t('account:activation.confirmText')],
    form: { action: `/activation/${token}`, label: t('account:activation.title') },
  });
}

/** An activation link that has served, expired or been cut by a mail client. */
export function renderActivationInvalidLink(res: Response): void {
  res.render(MESSAGE, {
    title: invalidLinkTitle(),
    alert: { type: 'error', text: invalidLinkText() },
    paragraphs: [t('account:activation.invalidHelp')],
    link: { href: '/compte', label: t('account:invitation.signIn') },
  });
}

/** The account is activated (by its link or its SMS code). */
export function renderActivated(res: Response): void {
  res.status(200).render(MESSAGE, {
    title: t('account:invitation.activatedTitle'),
    alert: { type: 'success', text: t('account:activation.activatedText') },
    link: { href: '/compte', label: t('account:invitation.signIn') },
  });
}
