import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditService } from '../../../platform/audit';
import { CurrentAccount, Permission, type SignedInAccount } from '../../../platform/http/access-policy';
import { AccountAccessPort, IdentityService, type AccountView } from '../../identity';
import { AccountAdministrationService, type AccountAction } from '../account-administration.service';
import { renderConsolePage } from '../admin-space';
import { AccountActionFormDto } from '../dto/account-action-form.dto';
import { OperatorRoles } from '../operator-roles';

export const STATUS_LABELS: Record<AccountView['status'], string> = {
  active: 'Actif',
  pending: 'En attente d’activation',
  disabled: 'Désactivé',
};

const ACTIONS: Record<string, { action: AccountAction; notice: string }> = {
  desactiver: { action: 'disabled', notice: 'Le compte est désactivé : ses sessions sont terminées.' },
  reactiver: { action: 'enabled', notice: 'Le compte est réactivé.' },
  'renvoyer-activation': { action: 'activation_resent', notice: 'Un nouveau lien d’activation a été envoyé.' },
  'envoyer-reinitialisation': {
    action: 'password_reset_sent',
    notice: 'Un lien de réinitialisation du mot de passe a été envoyé au titulaire.',
  },
  deconnecter: { action: 'sessions_ended', notice: 'Toutes les sessions du compte sont terminées.' },
};

const oneString = (value: unknown, max: number): string =>
  typeof value === 'string' ? value.trim().slice(0, max) : '';

const frenchDateTime = (date: Date) =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(date);

/** « Comptes »: search, an account's page, and the support's actions on it. */
@Permission(OperatorRoles, 'lecture')
@Controller('admin/comptes')
export class AccountsController {
  constructor(
    private readonly identity: IdentityService,
    private readonly access: AccountAccessPort,
    private readonly audit: AuditService,
    private readonly administration: AccountAdministrationService,
  ) {}

  @Get()
  async search(
    @Query('q') q: unknown,
    @Query('statut') statut: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const text = oneString(q, 200);
    const status = oneString(statut, 16);
    const validStatus = status in STATUS_LABELS ? (status as AccountView['status']) : undefined;
    const searched = Boolean(text || validStatus);
    const accounts = searched ? await this.identity.search({ text, status: validStatus, limit: 50 }) : [];
    renderConsolePage(req, res, 'accounts', 'accounts', 'Comptes', {
      q: text,
      statut: validStatus ?? '',
      searched,
      statuses: Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
      accounts: accounts.map((a) => ({ ...a, statusLabel: STATUS_LABELS[a.status] })),
    });
  }

  @Get(':id')
  async show(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.render(req, res, id);
  }

  @Permission(OperatorRoles, 'support')
  @Post(':id/:action')
  async act(
    @CurrentAccount() me: SignedInAccount,
    @Param('id') id: string,
    @Param('action') name: string,
    @Body() _form: AccountActionFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const known = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
    if (!known) {
      await this.administration.get(id);
      res.status(404);
      return this.render(req, res, id);
    }
    await this.administration.act(me.id, id, known.action);
    await this.render(req, res.status(200), id, known.notice);
  }

  private async render(req: Request, res: Response, id: string, notice?: string): Promise<void> {
    const account = await this.administration.get(id);
    const sessions = await this.access.sessions(account.id);
    const events = await this.audit.trailOf(account.id, 20);
    renderConsolePage(req, res, 'account', 'accounts', `Compte ${account.identifier}`, {
      notice,
      account: {
        ...account,
        statusLabel: STATUS_LABELS[account.status],
        createdAt: frenchDateTime(account.createdAt),
      },
      sessions: sessions.map((s) => ({ ...s, signedInAt: frenchDateTime(s.signedInAt) })),
      sites: await this.access.consentedSites(account.id),
      events: events.map((e) => ({
        occurredAt: frenchDateTime(e.occurredAt),
        action: e.action,
        actor: e.actorType + (e.actorId ? ` ${e.actorId}` : ''),
        outcome: e.outcome,
      })),
    });
  }
}
