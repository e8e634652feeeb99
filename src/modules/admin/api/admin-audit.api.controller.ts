import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiOperation,
  ApiScopes,
  ApiTag,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  pageOf,
  pageSchema,
  type JsonSchema,
  type Page,
} from '../../../platform/api';
import { AuditService, type AuditEvent } from '../../../platform/audit';
import { AdminError, AdminErrorCode } from '../admin.errors';
import { AuditQuery } from './admin-api.dto';

const EVENT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    occurredAt: { type: 'string', format: 'date-time' },
    actorType: { enum: ['account', 'operator', 'client', 'system', 'anonymous'] },
    actorId: { type: ['string', 'null'] },
    action: { type: 'string' },
    targetType: { type: ['string', 'null'] },
    targetId: { type: ['string', 'null'] },
    outcome: { enum: ['success', 'failure', 'denied'] },
    ipAddress: { type: ['string', 'null'] },
    userAgent: { type: ['string', 'null'] },
    requestId: { type: ['string', 'null'] },
    details: { type: 'object', description: 'Dont before / after pour les actions d’administration' },
  },
};

/** `/api/v1/admin/audit`: the audit trail, filtered, by cursor pages (the most recent first). */
@ApiTag('Administration — journal d’audit')
@Controller('api/v1/admin/audit')
export class AdminAuditApiController {
  constructor(private readonly audit: AuditService) {}

  @ApiScopes('admin:read')
  @ApiOperation({
    summary: 'Le journal d’audit filtré (acteur, cible, préfixe d’action, période), page par page',
    description:
      '`since` inclus, `until` exclu (ISO 8601 avec fuseau). `action` filtre par préfixe (`admin.account.`).',
    responses: { 200: { description: 'Une page d’événements', schema: pageSchema(EVENT_SCHEMA) } },
  })
  @Get()
  async list(@Query() query: AuditQuery): Promise<Page<AuditEvent>> {
    const after = decodeCursor(query.cursor, (p): p is [string] => p.length === 1 && /^\d{1,18}$/.test(String(p[0])));
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const events = await this.audit.search(
      {
        actorId: query.actor,
        targetId: query.target,
        action: query.action,
        from: query.since ? new Date(query.since) : undefined,
        to: query.until ? new Date(query.until) : undefined,
        beforeId: after?.[0],
      },
      limit + 1,
    );
    return pageOf(events, limit, (event) => [event.id]);
  }

  @ApiScopes('admin:read')
  @ApiOperation({
    summary: 'Un événement du journal',
    responses: { 200: { description: 'L’événement', schema: EVENT_SCHEMA } },
  })
  @Get(':id')
  async get(@Param('id') id: string): Promise<AuditEvent> {
    const event = await this.audit.findOne(id);
    if (!event) throw new AdminError(AdminErrorCode.AUDIT_EVENT_NOT_FOUND, 'Événement introuvable.');
    return event;
  }
}
