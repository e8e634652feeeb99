import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentAccount, Permission, type SignedInAccount } from '../../../platform/http/access-policy';
import { FormDto } from '../../../platform/http/form-fields';
import { NotificationsError, NotificationsService } from '../../notifications';
import { renderConsolePage } from '../admin-space';
import { OutboxAdministrationService } from '../outbox-administration.service';
import { AdminError, AdminErrorCode } from '../admin.errors';
import { operatorRoleOf, OperatorRoles } from '../operator-roles';
import { OUTBOX_STATUSES, outboxStatusLabel, outboxView } from '../outbox-view';
import { t } from '../../../platform/i18n/i18n';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Status = 'pending' | 'sending' | 'sent' | 'failed';

/** A button form: nothing but its CSRF token. */
class EmptyFormDto extends FormDto {}

/** « Envois »: the outbox by status, a message's detail, retry one or every failed message. */
@Permission(OperatorRoles, 'lecture')
@Controller('admin/envois')
export class OutboxController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly outboxAdministration: OutboxAdministrationService,
  ) {}

  @Get()
  async list(@Query('statut') statut: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renderList(req, res, statut);
  }

  /** Every failed message back to the queue. */
  @Permission(OperatorRoles, 'support')
  @Post('renvoyer-echecs')
  async retryAll(
    @CurrentAccount() me: SignedInAccount,
    @Body() _form: EmptyFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const retried = (await this.outboxAdministration.retryAllFailed(me.id)).length;
    await this.renderList(req, res.status(200), 'failed', t('admin:outbox.retried', { count: retried }));
  }

  @Get(':id')
  async show(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.renderMessage(req, res, id);
  }

  @Permission(OperatorRoles, 'support')
  @Post(':id/renvoyer')
  async retry(
    @CurrentAccount() me: SignedInAccount,
    @Param('id') id: string,
    @Body() _form: EmptyFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const message = await this.find(id);
    try {
      await this.notifications.retry(id);
    } catch (error) {
      if (!(error instanceof NotificationsError)) throw error;
      return this.renderMessage(req, res.status(409), id, undefined, t('admin:message.onlyFailed'));
    }
    await this.outboxAdministration.recordRetry(me.id, id, message.attempts);
    await this.renderMessage(req, res.status(200), id, t('admin:message.retried'));
  }

  private async find(id: string) {
    const message = UUID.test(id) ? await this.notifications.find(id) : undefined;
    if (!message) throw new AdminError(AdminErrorCode.MESSAGE_NOT_FOUND, t('admin:message.notFound'));
    return message;
  }

  private async renderList(req: Request, res: Response, statut: unknown, notice?: string): Promise<void> {
    const status =
      typeof statut === 'string' && (OUTBOX_STATUSES as readonly string[]).includes(statut)
        ? (statut as Status)
        : undefined;
    const masked = operatorRoleOf(req) === 'lecture';
    const [messages, counts] = await Promise.all([
      this.notifications.list(status, 100),
      this.notifications.countByStatus(),
    ]);
    renderConsolePage(req, res, 'outbox', 'outbox', t('admin:outbox.title'), {
      notice,
      statut: status ?? '',
      counts,
      statuses: OUTBOX_STATUSES.map((value) => ({ value, label: outboxStatusLabel(value) })),
      messages: messages.map((m) => outboxView(m, masked)),
    });
  }

  private async renderMessage(req: Request, res: Response, id: string, notice?: string, error?: string) {
    const message = await this.find(id);
    renderConsolePage(req, res, 'outbox-message', 'outbox', t('admin:message.title'), {
      notice,
      error,
      message: outboxView(message, operatorRoleOf(req) === 'lecture'),
    });
  }
}
