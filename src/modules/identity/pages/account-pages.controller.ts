import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors';
import type { Request, Response } from 'express';
import { Public } from '../../../platform/http/access-policy';
import { checkLinkToken } from './link-token';
import { AccountAccessPort } from '../account-access';
import { AccountService, EMAIL_CHANGE_HOURS } from '../account.service';
import { frenchDateTime } from '../french-dates';
import type { Account } from '../entities/account.entity';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { DOCUMENT_KINDS, IdentityDocuments } from '../identity-documents';
import { OCCUPATIONS } from '../legal';
import { AccountSpaceSessions, SESSION_COOKIE, type SignedIn } from './account-session';

const VIEWS = 'modules/identity/views/account';
const PROFILE_FIELDS = [
  'civility',
  'familyName',
  'usageName',
  'givenName',
  'birthDate',
  'mobilePhone',
  'landlinePhone',
  'occupation',
  'jobTitle',
  'organisationName',
  'establishment',
  'addressLine',
  'addressComplement',
  'postalCode',
  'city',
  'country',
] as const;

type FormBody = Record<string, unknown>;
const field = (body: FormBody, name: string, max = 500): string =>
  typeof body[name] === 'string' ? body[name].slice(0, max) : '';

/**
 * « Mon compte » (`/compte`): profile, e-mail, password, security (sessions, sites) and personal data. Every page needs
 * the account space's session; without it, the person is sent to sign in.
 */
@Controller('compte')
export class AccountPagesController {
  constructor(
    private readonly signedIn: AccountSpaceSessions,
    private readonly accounts: AccountService,
    private readonly access: AccountAccessPort,
    private readonly documents: IdentityDocuments,
  ) {}

  @Public()
  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    this.page(res, 'home', 'Mon compte', { account: me.account });
  }

  @Public()
  @Get('profil')
  async profile(@Req() req: Request, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    await this.renderProfile(res, me.account, profileValues(me.account), {});
  }

  @Public()
  @Post('profil')
  async saveProfile(@Req() req: Request, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    const values: Record<string, string | boolean> = {};
    for (const name of PROFILE_FIELDS) values[name] = field(body, name);
    values.emailMailing = body.emailMailing === 'oui';
    values.smsMailing = body.smsMailing === 'oui';
    try {
      await this.accounts.updateProfile(me.account.id, values);
    } catch (error) {
      if (!isFormError(error)) throw error;
      return await this.renderProfile(res.status(400), me.account, values, error.fields ?? {});
    }
    this.page(res.status(200), 'home', 'Mon compte', {
      account: await this.accounts.get(me.account.id),
      notice: 'Votre profil a été mis à jour.',
    });
  }

  /** An identity document of the signed-in person, and only theirs. */
  @Public()
  @Get('piece-identite/:id')
  async document(@Req() req: Request, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    const found = await this.documents.read(me.account.id, id);
    if (!found) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
    const extension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'application/pdf': 'pdf' }[found.document.mediaType];
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `attachment; filename="piece-identite.${extension}"`);
    res.type(found.document.mediaType).send(found.data);
  }

  @Public()
  @Get('adresse-electronique')
  async emailForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    this.page(res, 'email', 'Changer d’adresse électronique', { account: me.account, values: {}, errors: {} });
  }

  @Public()
  @Post('adresse-electronique')
  async requestEmail(@Req() req: Request, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    const email = field(body, 'email', 300);
    try {
      const newEmail = await this.accounts.requestEmailChange(me.account.id, email, field(body, 'currentPassword'));
      this.page(res.status(200), 'message', 'Vérifiez votre nouvelle adresse', {
        alert: { type: 'success', text: `Un lien de confirmation vient d’être envoyé à ${newEmail}.` },
        paragraphs: [
          `Ouvrez-le dans les ${EMAIL_CHANGE_HOURS} heures : l’adresse de votre compte ne change qu’à ce moment-là.`,
          `Un message d’information a été envoyé à votre adresse actuelle, ${me.account.email}.`,
        ],
      });
    } catch (error) {
      if (!isFormError(error)) throw error;
      this.page(res.status(400), 'email', 'Erreur : changer d’adresse électronique', {
        account: me.account,
        values: { email },
        errors: error.fields ?? {},
      });
    }
  }

  /** The link of the confirmation e-mail: confirmed by a button, so that a mail scanner does not use it. */
  @Public()
  @Get('adresse/:token')
  confirmEmailPage(@Param('token') token: string, @Res() res: Response): void {
    checkLinkToken(token);
    this.bare(res, 'Confirmer ma nouvelle adresse', {
      paragraphs: ['Confirmez que cette adresse devient celle de votre compte.'],
      form: { action: `/compte/adresse/${token}`, label: 'Confirmer ma nouvelle adresse' },
    });
  }

  @Public()
  @Post('adresse/:token')
  async confirmEmail(@Param('token') token: string, @Res() res: Response): Promise<void> {
    checkLinkToken(token);
    const result = await this.accounts.confirmEmailChange(token);
    if (result === 'changed') {
      return this.bare(res.status(200), 'Adresse électronique modifiée', {
        alert: { type: 'success', text: 'Votre nouvelle adresse électronique est enregistrée.' },
        link: { href: '/compte', label: 'Mon compte' },
      });
    }
    this.bare(res.status(400), 'Lien non valable', {
      alert: {
        type: 'error',
        text:
          result === 'taken'
            ? 'Cette adresse est devenue celle d’un autre compte entre-temps : elle ne peut pas être enregistrée.'
            : 'Ce lien a déjà servi ou n’est plus valable.',
      },
      paragraphs: ['Vous pouvez refaire la demande depuis votre compte.'],
      link: { href: '/compte/adresse-electronique', label: 'Changer d’adresse électronique' },
    });
  }

  @Public()
  @Get('mot-de-passe')
  async passwordForm(@Req() req: Request, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    this.page(res, 'password', 'Changer de mot de passe', {
      errors: {},
      personal: personal(me.account),
      hasPassword: Boolean(me.account.passwordHash),
    });
  }

  @Public()
  @Post('mot-de-passe')
  async changePassword(@Req() req: Request, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    try {
      await this.accounts.changePassword(
        me.account.id,
        {
          currentPassword: field(body, 'currentPassword'),
          password: field(body, 'password'),
          passwordConfirmation: field(body, 'passwordConfirmation'),
        },
        { keepWebToken: me.token, keepSid: me.sid, via: 'account' },
      );
    } catch (error) {
      if (!isFormError(error)) throw error;
      return this.page(res.status(400), 'password', 'Erreur : changer de mot de passe', {
        errors: error.fields ?? {},
        personal: personal(me.account),
        hasPassword: Boolean(me.account.passwordHash),
      });
    }
    this.page(res.status(200), 'message', 'Mot de passe modifié', {
      alert: { type: 'success', text: 'Votre mot de passe a été modifié.' },
      paragraphs: [
        'Toutes vos autres sessions ont été fermées : sur vos autres appareils, reconnectez-vous avec le nouveau mot de passe.',
        'Un e-mail de confirmation vous a été envoyé.',
      ],
    });
  }

  @Public()
  @Get('securite')
  async security(@Req() req: Request, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    await this.renderSecurity(res, me);
  }

  @Public()
  @Post('securite/sessions/:uid/deconnecter')
  async endSession(@Req() req: Request, @Param('uid') uid: string, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    const ended = await this.access.endSession(me.account.id, uid.slice(0, 255));
    await this.renderSecurity(res.status(ended ? 200 : 404), me, ended ? 'La session a été déconnectée.' : undefined);
  }

  @Public()
  @Post('securite/sites/:clientId/retirer')
  async revokeSite(@Req() req: Request, @Param('clientId') clientId: string, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    const revoked = await this.access.revokeSite(me.account.id, clientId.slice(0, 255));
    await this.renderSecurity(
      res.status(revoked ? 200 : 404),
      me,
      revoked ? 'L’accès du site a été retiré : il vous demandera de nouveau votre accord.' : undefined,
    );
  }

  @Public()
  @Get('donnees')
  async data(@Req() req: Request, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    this.page(res, 'data', 'Mes données', { errors: {} });
  }

  @Public()
  @Get('donnees/export')
  async export(@Req() req: Request, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    const data = await this.accounts.exportData(me.account.id);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="mes-donnees.json"');
    res.type('application/json').send(JSON.stringify(data, null, 2));
  }

  @Public()
  @Post('donnees/supprimer')
  async delete(@Req() req: Request, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const me = await this.signedIn.current(req);
    if (!me) return res.redirect(303, '/compte/connexion');
    if (body.confirm !== 'oui') {
      return this.page(res.status(400), 'data', 'Erreur : mes données', {
        errors: { confirm: ['Cochez la case pour confirmer la suppression définitive.'] },
      });
    }
    try {
      await this.accounts.deleteAccount(me.account.id, field(body, 'password'));
    } catch (error) {
      if (!isFormError(error)) throw error;
      return this.page(res.status(400), 'data', 'Erreur : mes données', { errors: error.fields ?? {} });
    }
    res.clearCookie(SESSION_COOKIE, { path: '/compte' });
    this.bare(res.status(200), 'Votre compte a été supprimé', {
      alert: { type: 'success', text: 'Votre compte et vos données personnelles ont été supprimés.' },
      paragraphs: ['Vos sessions sont fermées et les sites auxquels vous aviez donné accès ne le sont plus.'],
      link: { href: '/', label: 'Retour à l’accueil' },
    });
  }

  private async renderSecurity(res: Response, me: SignedIn, notice?: string): Promise<void> {
    const sessions = await this.access.sessions(me.account.id, me.sid);
    this.page(res, 'security', 'Sécurité', {
      notice,
      sessions: sessions.map((s) => ({
        ...s,
        device: describeDevice(s.userAgent),
        signedInAt: frenchDateTime(s.signedInAt),
        lastSeenAt: s.lastSeenAt ? frenchDateTime(s.lastSeenAt) : undefined,
      })),
      sites: await this.access.consentedSites(me.account.id),
    });
  }

  private async renderProfile(
    res: Response,
    account: Account,
    values: Record<string, unknown>,
    errors: object,
  ): Promise<void> {
    const errorCount = Object.keys(errors).length;
    const documents = await this.documents.forAccount(account.id);
    this.page(res, 'profile', `${errorCount ? 'Erreur : ' : ''}Mon profil`, {
      documents: documents.map((d) => ({
        id: d.id,
        kind: DOCUMENT_KINDS[d.kind],
        size: `${Math.max(1, Math.round(d.size / 1024))} Ko`,
        createdAt: frenchDateTime(d.createdAt),
      })),
      account,
      values,
      errors,
      errorCount,
      occupations: OCCUPATIONS,
    });
  }

  private page(res: Response, section: string, title: string, data: Record<string, unknown>): void {
    res.render(`${VIEWS}/${section}.njk`, { title, section, signedIn: true, ...data });
  }

  private bare(res: Response, title: string, data: Record<string, unknown>): void {
    res.render('modules/identity/views/registration/message.njk', { title, ...data });
  }
}

function profileValues(account: Account): Record<string, unknown> {
  return {
    ...Object.fromEntries(PROFILE_FIELDS.map((name) => [name, account[name] ?? ''])),
    emailMailing: account.emailMailingConsent,
    smsMailing: account.smsMailingConsent,
  };
}

function personal(account: Account): string[] {
  return [account.givenName, account.familyName, account.usageName, account.email, account.identifier].filter(
    (v): v is string => Boolean(v),
  );
}

/** « Firefox sur Linux », from the User-Agent header; good enough to recognise one's devices. */
function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Appareil inconnu';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Navigateur';
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : 'système inconnu';
  return `${browser} sur ${system}`;
}

function isFormError(error: unknown): error is IdentityError {
  return error instanceof IdentityError && error.code === (IdentityErrorCode.FORM_INVALID as string);
}
