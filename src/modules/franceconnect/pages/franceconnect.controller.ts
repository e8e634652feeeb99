import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentAccount, Public, SignedIn } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { FranceConnectAccounts } from '../franceconnect-accounts.service';
import { FranceConnectFlow, failureMessage } from '../franceconnect-flow';
import { FranceConnectError, franceconnectErrorMessage } from '../franceconnect.errors';
import { birthplaceName } from '../birthplace';

const VIEWS = 'modules/franceconnect/views';

/** What this page reads of the signed-in account (identity's `ActiveAccounts` gives it). */
interface SignedInPerson {
  id: string;
  passwordHash: string | null;
}

/** FranceConnect's redirect URIs (DESIGN.md: `/franceconnect/callback`, `/franceconnect/logout-callback`). */
@Controller('franceconnect')
export class FranceConnectController {
  constructor(private readonly flow: FranceConnectFlow) {}

  /** Back from FC's `/authorize`: checked, then on to the interaction that asked (or its error page). */
  @Public()
  @Get('callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const outcome = await this.flow.callback(req, res);
    if (outcome.status === 'signed-in') return res.redirect(303, `/interaction/${outcome.uid}/franceconnect/suite`);
    if (outcome.uid)
      return res.redirect(303, `/interaction/${outcome.uid}/franceconnect/erreur?motif=${outcome.reason}`);
    // No attempt in this browser: nothing to go back to but the site the person came from.
    res.status(400).render('platform/views/message.njk', {
      title: t('franceconnect:error.title'),
      alert: { type: 'error', text: failureMessage('expired') },
      paragraphs: [t('franceconnect:callback.goBack')],
      link: { href: '/', label: t('franceconnect:callback.home') },
    });
  }

  /** Back from FC's `session/end`: its `state` checked, then the platform's logout goes on. */
  @Public()
  @Get('logout-callback')
  async logoutCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const next = await this.flow.logoutReturned(req, res);
    if (next) return res.redirect(303, next);
    res.status(200).render('platform/views/message.njk', {
      title: t('franceconnect:callback.loggedOutTitle'),
      alert: { type: 'warning', text: t('franceconnect:callback.loggedOutPartly') },
      paragraphs: [t('franceconnect:callback.sharedComputer')],
      link: { href: '/', label: t('franceconnect:callback.home') },
    });
  }
}

/** « Mon compte » › FranceConnect: the linked identity, read-only, and unlinking. */
@SignedIn()
@Controller('compte/franceconnect')
export class FranceConnectAccountController {
  constructor(private readonly accounts: FranceConnectAccounts) {}

  @Get()
  async show(@CurrentAccount() account: SignedInPerson, @Res() res: Response): Promise<void> {
    await this.render(res, account.id, Boolean(account.passwordHash));
  }

  @Post('delier')
  async unlink(@CurrentAccount() account: SignedInPerson, @Res() res: Response): Promise<void> {
    try {
      await this.accounts.unlink(account.id);
    } catch (error) {
      if (!(error instanceof FranceConnectError)) throw error;
      return this.render(res.status(400), account.id, false, franceconnectErrorMessage(error));
    }
    await this.render(res.status(200), account.id, true, undefined, t('franceconnect:account.unlinked'));
  }

  private async render(
    res: Response,
    accountId: string,
    hasPassword: boolean,
    error?: string,
    notice?: string,
  ): Promise<void> {
    const identity = await this.accounts.identityOf(accountId);
    res.render(`${VIEWS}/account.njk`, {
      title: t('franceconnect:account.title'),
      section: 'franceconnect',
      signedIn: true,
      identity,
      birthplace: birthplaceName(identity?.birthplace),
      hasPassword,
      error,
      notice,
    });
  }
}
