import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors';
import type { Response } from 'express';
import { CurrentAccount, CurrentSession, SignedIn, type SignedInContext } from '../../../platform/http/access-policy';
import { checkLinkToken } from './link-token';
import { AccountAccessPort } from '../account-access';
import { AccountService, EMAIL_CHANGE_HOURS } from '../account.service';
import { frenchDateTime } from '../french-dates';
import type { Account } from '../entities/account.entity';
import { IdentityError, IdentityErrorCode } from '../identity.errors';
import { DOCUMENT_KINDS, IdentityDocuments } from '../identity-documents';
import { OCCUPATIONS } from '../legal';

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
@SignedIn()
@Controller('compte')
export class AccountPagesController {
  constructor(
    private readonly accounts: AccountService,
    private readonly access: AccountAccessPort,
    private readonly documents: IdentityDocuments,
  ) {}

  @Get()
  async home(@CurrentAccount() account: Account, @Res() res: Response): Promise<void> {
    this.page(res, 'home', 'Mon compte', { account });
  }

  @Get('profil')
  async profile(@CurrentAccount() account: Account, @Res() res: Response): Promise<void> {
    await this.renderProfile(res, account, profileValues(account), {});
  }

  @Post('profil')
  async saveProfile(@CurrentAccount() account: Account, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const values: Record<string, string | boolean> = {};
    for (const name of PROFILE_FIELDS) values[name] = field(body, name);
    values.emailMailing = body.emailMailing === 'oui';
    values.smsMailing = body.smsMailing === 'oui';
    try {
      await this.accounts.updateProfile(account.id, values);
    } catch (error) {
      if (!isFormError(error)) throw error;
      return await this.renderProfile(res.status(400), account, values, error.fields ?? {});
    }
    this.page(res.status(200), 'home', 'Mon compte', {
      account: await this.accounts.get(account.id),
      notice: 'Votre profil a été mis à jour.',
    });
  }

  /** An identity document of the signed-in person, and only theirs. */
  @Get('piece-identite/:id')
  async document(
    @CurrentAccount() account: Account,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const found = await this.documents.read(account.id, id);
    if (!found) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
    const extension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'application/pdf': 'pdf' }[found.document.mediaType];
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `attachment; filename="piece-identite.${extension}"`);
    res.type(found.document.mediaType).send(found.data);
  }

  @Get('adresse-electronique')
  async emailForm(@CurrentAccount() account: Account, @Res() res: Response): Promise<void> {
    this.page(res, 'email', 'Changer d’adresse électronique', { account: account, values: {}, errors: {} });
  }

  @Post('adresse-electronique')
  async requestEmail(@CurrentAccount() account: Account, @Body() body: FormBody, @Res() res: Response): Promise<void> {
    const email = field(body, 'email', 300);
    try {
      const newEmail = await this.accounts.requestEmailChange(account.id, email, field(body, 'currentPassword'));
      this.page(res.status(200), 'message', 'Vérifiez votre nouvelle adresse', {
        alert: { type: 'success', text: `Un lien de confirmation vient d’être envoyé à ${newEmail}.` },
        paragraphs: [
          `Ouvrez-le dans les ${EMAIL_CHANGE_HOURS} heures : l’adresse de votre compte ne change qu’à ce moment-là.`,
          `Un message d’information a été envoyé à votre adresse actuelle, ${account.email}.`,
        ],
      });
    } catch (error) {
      if (!isFormError(error)) throw error;
      this.page(res.status(400), 'email', 'Erreur : changer d’adresse électronique', {
        account: account,
        values: { email },
        errors: error.fields ?? {},
      });
    }
  }

  /** The link of the confirmation e-mail: confirmed by a button, so that a mail scanner does not use it. */
  @Get('adresse/:token')
  confirmEmailPage(@Param('token') token: string, @Res() res: Response): void {
    checkLinkToken(token);
    this.bare(res, 'Confirmer ma nouvelle adresse', {
      paragraphs: ['Confirmez que cette adresse devient celle de votre compte.'],
      form: { action: `/compte/adresse/${token}`, label: 'Confirmer ma nouvelle adresse' },
    });
  }

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

  @Get('mot-de-passe')
  async passwordForm(@CurrentAccount() account: Account, @Res() res: Response): Promise<void> {
    this.page(res, 'password', 'Changer de mot de passe', {
      errors: {},
      personal: personal(account),
      hasPassword: Boolean(account.passwordHash),
    });
  }

  @Post('mot-de-passe')
  async changePassword(
    @CurrentAccount() account: Account,
    @CurrentSession() me: SignedInContext,
    @Body() body: FormBody,
    @Res() res: Response,
  ): Promise<void> {
    try {
      await this.accounts.changePassword(
        account.id,
        {
          currentPassword: field(body, 'currentPassword'),
          password: field(body, 'password'),
          passwordConfirmation: field(body, 'passwordConfirmation'),
        },
        { keepWebToken: me.token, keepSid: me.session.oidcSid, via: 'account' },
      );
    } catch (error) {
      if (!isFormError(error)) throw error;
      return this.page(res.status(400), 'password', 'Erreur : changer de mot de passe', {
        errors: error.fields ?? {},
        personal: personal(account),
        hasPassword: Boolean(account.passwordHash),
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

  @Get('securite')
  async security(@CurrentSession() me: SignedInContext, @Res() res: Response): Promise<void> {
    await this.renderSecurity(res, me);
  }

  @Post('securite/sessions/:uid/deconnecter')
  async endSession(
    @CurrentSession() me: SignedInContext,
    @Param('uid') uid: string,
    @Res() res: Response,
  ): Promise<void> {
    const ended = await this.access.endSession(me.account.id, uid.slice(0, 255));
    await this.renderSecurity(res.status(ended ? 200 : 404), me, ended ? 'La session a été déconnectée.' : undefined);
  }

  @Post('securite/sites/:clientId/retirer')
  async revokeSite(
    @CurrentSession() me: SignedInContext,
    @Param('clientId') clientId: string,
    @Res() res: Response,
  ): Promise<void> {
    const revoked = await this.access.revokeSite(me.account.id, clientId.slice(0, 255));
    await this.renderSecurity(
      res.status(revoked ? 200 : 404),
      me,
      revoked ? 'L’accès du site a été retiré : il vous demandera de nouveau votre accord.' : undefined,
    );
  }

  @Get('donnees')
  async data(@Res() res: Response): Promise<void> {
    this.page(res, 'data', 'Mes données', { errors: {} });
  }

  @Get('donnees/export')
  async export(@CurrentAccount() account: Account, @Res() res: Response): Promise<void> {
    const data = await this.accounts.exportData(account.id);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'attachment; filename="mes-donnees.json"');
    res.type('application/json').send(JSON.stringify(data, null, 2));
  }

  @Post('donnees/supprimer')
  async delete(@CurrentSession() me: SignedInContext, @Body() body: FormBody, @Res() res: Response): Promise<void> {
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
    res.clearCookie(me.space.sessionCookie, { path: me.space.path });
    this.bare(res.status(200), 'Votre compte a été supprimé', {
      alert: { type: 'success', text: 'Votre compte et vos données personnelles ont été supprimés.' },
      paragraphs: ['Vos sessions sont fermées et les sites auxquels vous aviez donné accès ne le sont plus.'],
      link: { href: '/', label: 'Retour à l’accueil' },
    });
  }

  private async renderSecurity(res: Response, me: SignedInContext, notice?: string): Promise<void> {
    const sessions = await this.access.sessions(me.account.id, me.session.oidcSid);
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
    res.render('platform/views/message.njk', { title, ...data });
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
