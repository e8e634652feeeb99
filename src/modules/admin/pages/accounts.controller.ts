import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditService } from '../../../platform/audit';
import { CurrentSession, Permission, type SignedInContext } from '../../../platform/http/access-policy';
import { ConsoleAccountSections } from '../../../platform/views/console-account-sections';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors';
import { AccountAccessPort, IdentityService, SignInThrottle, type AccountView } from '../../identity';
import { AccountAdministrationService, type AccountAction } from '../account-administration.service';
import { renderConsolePage } from '../admin-space';
import { AccountActionFormDto } from '../dto/account-action-form.dto';
import { AccountDeletionFormDto } from '../dto/account-deletion-form.dto';
import { OperatorRoles } from '../operator-roles';
import { AdminError, AdminErrorCode } from '../admin.errors';
import { StepUp } from '../step-up';
import { t } from '../../../platform/i18n/i18n';
import { consoleDateTime } from '../console-dates';

/** The statuses an operator filters by, and their labels in the page's language. */
export const STATUSES: ReadonlyArray<AccountView['status']> = ['active', 'pending', 'disabled'];
const statusLabel = (status: AccountView['status']) => t(`admin:statuses.${status}`);
const statusOptions = () => STATUSES.map((value) => ({ value, label: statusLabel(value) }));

/** `dangerous`: asks for the operator's password again after 5 minutes (step-up). */
/** `notice`: the catalogue key of what the page says once done (`admin:account.notices.<notice>`). */
const ACTIONS: Record<string, { action: AccountAction; notice: string; dangerous?: boolean }> = {
  desactiver: { action: 'disabled', notice: 'disabled', dangerous: true },
  reactiver: { action: 'enabled', notice: 'enabled' },
  'renvoyer-activation': { action: 'activation_resent', notice: 'activationResent' },
  'envoyer-reinitialisation': { action: 'password_reset_sent', notice: 'passwordResetSent' },
  deconnecter: { action: 'sessions_ended', notice: 'sessionsEnded' },
  debloquer: { action: 'throttle_cleared', notice: 'throttleCleared' },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const oneString = (value: unknown, max: number): string =>
  typeof value === 'string' ? value.trim().slice(0, max) : '';

const dateTime = (date: Date) => consoleDateTime(date, 'long', 'short');

/** « Comptes »: search, an account's page, and the support's actions on it. */
@Permission(OperatorRoles, 'lecture')
@Controller('admin/comptes')
export class AccountsController {
  constructor(
    private readonly identity: IdentityService,
    private readonly access: AccountAccessPort,
    private readonly audit: AuditService,
    private readonly administration: AccountAdministrationService,
    private readonly stepUp: StepUp,
    private readonly throttle: SignInThrottle,
    private readonly sections: ConsoleAccountSections,
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
    const validStatus = (STATUSES as readonly string[]).includes(status)
      ? (status as AccountView['status'])
      : undefined;
    const searched = Boolean(text || validStatus);
    const accounts = searched ? await this.identity.search({ text, status: validStatus, limit: 50 }) : [];
    renderConsolePage(req, res, 'accounts', 'accounts', t('admin:accounts.title'), {
      q: text,
      statut: validStatus ?? '',
      searched,
      statuses: statusOptions(),
      accounts: accounts.map((a) => ({ ...a, statusLabel: statusLabel(a.status) })),
    });
  }

  @Get(':id')
  async show(
    @CurrentSession() me: SignedInContext,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.render(req, res, me, id);
  }

  /**
   * An identity document of the account, downloaded by an operator (`support` and up: `lecture` sees the list only);
   * audited `admin.account.document_downloaded`. Another account's document, or an unknown one, answers 404.
   */
  @Permission(OperatorRoles, 'support')
  @Get(':id/pieces/:documentId')
  async document(
    @CurrentSession() me: SignedInContext,
    @Param('id') id: string,
    @Param('documentId') documentId: string,
    @Res() res: Response,
  ): Promise<void> {
    const account = await this.administration.get(id);
    const found = UUID.test(documentId) ? await this.identity.readIdentityDocument(account.id, documentId) : undefined;
    if (!found) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
    await this.audit.record({
      actor: { type: 'operator', id: me.account.id },
      action: 'admin.account.document_downloaded',
      target: { type: 'account', id: account.id },
      outcome: 'success',
      details: { documentId, kind: found.document.kind },
    });
    const extension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'application/pdf': 'pdf' }[found.document.mediaType];
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Disposition', `attachment; filename="piece-identite.${extension}"`);
    res.type(found.document.mediaType).send(found.data);
  }

  /** « Supprimer le compte »: a page asking to type the identifier again (and the password after 5 minutes). */
  @Permission(OperatorRoles, 'super-admin')
  @Get(':id/suppression')
  async deletion(
    @CurrentSession() me: SignedInContext,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.renderDeletion(req, res, me, id, {});
  }

  @Permission(OperatorRoles, 'super-admin')
  @Post(':id/supprimer')
  async delete(
    @CurrentSession() me: SignedInContext,
    @Param('id') id: string,
    @Body() form: AccountDeletionFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.administration.get(id);
    let deleted: AccountView;
    try {
      await this.stepUp.confirm(me, form.password);
      deleted = await this.administration.delete(me.account.id, id, form.confirmation);
    } catch (error) {
      if (!(error instanceof AdminError) || !error.fields) throw error;
      const status = error.code === (AdminErrorCode.STEP_UP_REQUIRED as string) ? 403 : 400;
      return this.renderDeletion(req, res.status(status), me, id, error.fields, form.confirmation);
    }
    renderConsolePage(req, res.status(200), 'accounts', 'accounts', t('admin:accounts.title'), {
      notice: t('admin:accounts.deleted', { identifier: deleted.identifier }),
      q: '',
      statut: '',
      searched: false,
      statuses: statusOptions(),
      accounts: [],
    });
  }

  private async renderDeletion(
    req: Request,
    res: Response,
    me: SignedInContext,
    id: string,
    errors: Record<string, string[]>,
    confirmation = '',
  ): Promise<void> {
    const account = await this.administration.get(id);
    renderConsolePage(
      req,
      res,
      'account-deletion',
      'accounts',
      t('admin:deletion.title', { identifier: account.identifier }),
      {
        account,
        stepUpNeeded: !(await this.stepUp.isFresh(me)),
        values: { confirmation: confirmation.slice(0, 100) },
        errors,
        errorCount: Object.keys(errors).length,
      },
    );
  }

  @Permission(OperatorRoles, 'support')
  @Post(':id/:action')
  async act(
    @CurrentSession() me: SignedInContext,
    @Param('id') id: string,
    @Param('action') name: string,
    @Body() form: AccountActionFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const known = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
    if (!known) {
      await this.administration.get(id);
      res.status(404);
      return this.render(req, res, me, id);
    }
    if (known.dangerous) {
      await this.administration.get(id);
      try {
        await this.stepUp.confirm(me, form.password);
      } catch (error) {
        if (!(error instanceof AdminError) || error.code !== (AdminErrorCode.STEP_UP_REQUIRED as string)) throw error;
        return this.render(req, res.status(403), me, id, undefined, { action: name, errors: error.fields ?? {} });
      }
    }
    await this.administration.act(me.account.id, id, known.action);
    await this.render(req, res.status(200), me, id, t(`admin:account.notices.${known.notice}`));
  }

  private async render(
    req: Request,
    res: Response,
    me: SignedInContext,
    id: string,
    notice?: string,
    refused?: { action: string; errors: Record<string, string[]> },
  ): Promise<void> {
    const account = await this.administration.get(id);
    const sessions = await this.access.sessions(account.id);
    const events = await this.audit.trailOf(account.id, 20);
    const blockedUntil = await this.throttle.accountBlockedUntil(account.id);
    const documents = await this.identity.identityDocumentsOf(account.id);
    renderConsolePage(req, res, 'account', 'accounts', t('admin:account.title', { identifier: account.identifier }), {
      notice,
      stepUpNeeded: !(await this.stepUp.isFresh(me)),
      refusedAction: refused?.action,
      errors: refused?.errors ?? {},
      errorCount: Object.keys(refused?.errors ?? {}).length,
      account: {
        ...account,
        statusLabel: statusLabel(account.status),
        createdAt: dateTime(account.createdAt),
      },
      sessions: sessions.map((s) => ({ ...s, signedInAt: dateTime(s.signedInAt) })),
      sites: await this.access.consentedSites(account.id),
      blockedUntil: blockedUntil ? dateTime(blockedUntil) : null,
      // Other modules' data (FranceConnect's link, the company account) through the « account page sections » seam.
      sections: await this.sections.sectionsFor(account.id),
      documents: documents.map((d) => ({
        id: d.id,
        kind: d.kind,
        size: t('admin:account.kilobytes', { size: Math.max(1, Math.round(d.size / 1024)) }),
        createdAt: dateTime(d.createdAt),
      })),
      events: events.map((e) => ({
        occurredAt: dateTime(e.occurredAt),
        action: e.action,
        actor: e.actorType + (e.actorId ? ` ${e.actorId}` : ''),
        outcome: e.outcome,
      })),
    });
  }
}
