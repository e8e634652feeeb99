import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentAccount, Public, SignedIn } from '../../../platform/http/access-policy';
import { FranceConnectAccounts } from '../franceconnect-accounts.service';
import { FAILURE_MESSAGES, FranceConnectFlow } from '../franceconnect-flow';
import { FranceConnectError } from '../franceconnect.errors';
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
      title: 'Connexion avec FranceConnect impossible',
      alert: { type: 'error', text: FAILURE_MESSAGES.expired },
      paragraphs: ['Retournez sur le site d’où vous venez et recommencez la connexion.'],
      link: { href: '/', label: 'Revenir à l’accueil' },
    });
  }

  /** Back from FC's `session/end`: its `state` checked, then the platform's logout goes on. */
  @Public()
  @Get('logout-callback')
  async logoutCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const next = await this.flow.logoutReturned(req, res);
    if (next) return res.redirect(303, next);
    res.status(200).render('platform/views/message.njk', {
      title: 'Vous êtes déconnecté',
      alert: {
        type: 'warning',
        text: 'Vous êtes déconnecté de la plateforme, mais la déconnexion de FranceConnect n’a pas pu être confirmée.',
      },
      paragraphs: [
        'Sur un ordinateur partagé, fermez votre navigateur pour terminer aussi votre session FranceConnect.',
      ],
      link: { href: '/', label: 'Revenir à l’accueil' },
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
      return this.render(res.status(400), account.id, false, error.message);
    }
    await this.render(
      res.status(200),
      account.id,
      true,
      undefined,
      'Votre compte n’est plus relié à FranceConnect. Vous pouvez de nouveau modifier votre identité dans « Mon profil ».',
    );
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
      title: 'FranceConnect',
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
