import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiClient, ApiOperation, ApiScopes, ApiTag, type ApiCaller, type JsonSchema } from '../../../platform/api';
import { AuditService } from '../../../platform/audit';
import { NotificationsError, NotificationsService } from '../../notifications';
import { AdminError, AdminErrorCode } from '../admin.errors';
import { OutboxAdministrationService } from '../outbox-administration.service';
import { OutboxListQuery } from './admin-api.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the API shows of a message: never its data (the console's rule); the recipient in full (admin scope). */
interface MessageView {
  id: string;
  channel: string;
  recipient: string;
  template: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
  sentAt: Date | null;
}

const MESSAGE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    channel: { enum: ['email', 'sms', 'webhook'] },
    recipient: { type: 'string' },
    template: { type: 'string' },
    status: { enum: ['pending', 'sending', 'sent', 'failed'] },
    attempts: { type: 'integer' },
    lastError: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    nextAttemptAt: { type: 'string', format: 'date-time' },
    sentAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

function view(message: MessageView): MessageView {
  const { id, channel, recipient, template, status, attempts, lastError, createdAt, nextAttemptAt, sentAt } = message;
  return { id, channel, recipient, template, status, attempts, lastError, createdAt, nextAttemptAt, sentAt };
}

/** `/api/v1/admin/outbox`: the notifications outbox by status, a message, retrying a failed one. */
@ApiTag('Administration — file d’envoi')
@Controller('api/v1/admin/outbox')
export class AdminOutboxApiController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly outboxAdministration: OutboxAdministrationService,
  ) {}

  @ApiScopes('admin:read')
  @ApiOperation({
    summary: 'Liste les messages de la file d’envoi, par statut',
    responses: {
      200: {
        description: 'Les messages',
        schema: { type: 'object', properties: { data: { type: 'array', items: MESSAGE_SCHEMA } } },
      },
    },
  })
  @Get()
  async list(@Query() query: OutboxListQuery): Promise<{ data: MessageView[] }> {
    return { data: (await this.notifications.list(query.status, query.limit ?? 100)).map(view) };
  }

  @ApiScopes('admin:read')
  @ApiOperation({ summary: 'Un message', responses: { 200: { description: 'Le message', schema: MESSAGE_SCHEMA } } })
  @Get(':id')
  async get(@Param('id') id: string): Promise<MessageView> {
    return view(await this.find(id));
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Remet tous les messages en échec dans la file',
    description: 'Au plus 1000 à la fois (les plus récents) ; chacun est inscrit au journal d’audit.',
    responses: {
      200: {
        description: 'Les messages remis en file',
        schema: {
          type: 'object',
          properties: {
            retried: { type: 'integer' },
            ids: { type: 'array', items: { type: 'string', format: 'uuid' } },
          },
        },
      },
    },
  })
  @HttpCode(200)
  @Post('retry-failed')
  async retryFailed(@ApiClient() caller: ApiCaller): Promise<{ retried: number; ids: string[] }> {
    const ids = await this.outboxAdministration.retryAllFailed({ type: 'client', id: caller.clientId });
    return { retried: ids.length, ids };
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Remet un message en échec dans la file',
    responses: { 200: { description: 'Le message, en attente', schema: MESSAGE_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':id/retry')
  async retry(@Param('id') id: string, @ApiClient() caller: ApiCaller): Promise<MessageView> {
    const before = await this.find(id);
    try {
      await this.notifications.retry(id);
    } catch (error) {
      if (!(error instanceof NotificationsError)) throw error;
      throw new AdminError(AdminErrorCode.MESSAGE_NOT_FAILED, 'Seul un message en échec peut être renvoyé.');
    }
    await this.audit.record({
      actor: { type: 'client', id: caller.clientId },
      action: 'admin.outbox.retried',
      target: { type: 'outbox_message', id },
      outcome: 'success',
      details: {
        before: { status: before.status, attempts: before.attempts },
        after: { status: 'pending', attempts: 0 },
      },
    });
    return view(await this.find(id));
  }

  private async find(id: string) {
    const message = UUID.test(id) ? await this.notifications.find(id) : undefined;
    if (!message) throw new AdminError(AdminErrorCode.MESSAGE_NOT_FOUND, 'Message introuvable.');
    return message;
  }
}
