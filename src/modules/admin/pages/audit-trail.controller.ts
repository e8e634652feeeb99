import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { AuditService, type AuditEvent, type AuditFilter } from '../../../platform/audit';
import { CurrentAccount, Permission, type SignedInAccount } from '../../../platform/http/access-policy';
import { renderConsolePage } from '../admin-space';
import { AdminError, AdminErrorCode } from '../admin.errors';
import { OperatorRoles } from '../operator-roles';
import { t } from '../../../platform/i18n/i18n';
import { consoleDateTime } from '../console-dates';

const PAGE_SIZE = 50;
/** An export holds at most this many events; narrow the filters for more. */
export const EXPORT_LIMIT = 10_000;

type RawQuery = Record<string, unknown>;

const oneString = (value: unknown, max: number): string =>
  typeof value === 'string' ? value.trim().slice(0, max) : '';

/** `YYYY-MM-DD` as midnight UTC (plus `days`), or undefined for an empty or impossible date. */
function day(value: string, days = 0): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return undefined;
  return new Date(date.getTime() + days * 24 * 3600 * 1000);
}

/** The filters of the form, as typed (to re-fill it) and as the service reads them. */
function readFilters(query: RawQuery): {
  values: Record<string, string>;
  filter: AuditFilter;
  errors: Record<string, string[]>;
} {
  const values = {
    acteur: oneString(query.acteur, 128),
    cible: oneString(query.cible, 128),
    action: oneString(query.action, 128),
    du: oneString(query.du, 10),
    au: oneString(query.au, 10),
  };
  const errors: Record<string, string[]> = {};
  const from = day(values.du);
  const to = day(values.au, 1);
  if (values.du && !from) errors.du = [t('admin:audit.invalidDate')];
  if (values.au && !to) errors.au = [t('admin:audit.invalidDate')];
  const beforeId = oneString(query.avant, 18);
  return {
    values,
    errors,
    filter: {
      actorId: values.acteur || undefined,
      targetId: values.cible || undefined,
      action: values.action || undefined,
      from,
      to,
      beforeId: /^\d{1,18}$/.test(beforeId) ? beforeId : undefined,
    },
  };
}

/** « Journal d’audit »: the trail filtered by actor, target, action and dates, an event's detail, a CSV export. */
@Permission(OperatorRoles, 'lecture')
@Controller('admin/journal')
export class AuditTrailController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  async list(@Query() query: RawQuery, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { values, filter, errors } = readFilters(query);
    const events = Object.keys(errors).length ? [] : await this.audit.search(filter, PAGE_SIZE + 1);
    const more = events.length > PAGE_SIZE;
    const shown = events.slice(0, PAGE_SIZE);
    const search = new URLSearchParams(Object.entries(values).filter(([, v]) => v));
    const next = more ? new URLSearchParams([...search, ['avant', shown[shown.length - 1].id]]).toString() : undefined;
    renderConsolePage(
      req,
      res.status(Object.keys(errors).length ? 400 : 200),
      'audit-trail',
      'audit',
      t('admin:audit.title'),
      {
        values,
        errors,
        errorCount: Object.keys(errors).length,
        events: shown.map((e) => ({ ...e, occurredAt: consoleDateTime(e.occurredAt) })),
        nextQuery: next,
        exportQuery: search.toString(),
      },
    );
  }

  /** The filtered trail as CSV (UTF-8 with BOM for spreadsheets; formulas neutralised). The export is itself audited. */
  @Get('export.csv')
  async export(
    @CurrentAccount() me: SignedInAccount,
    @Query() query: RawQuery,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { filter, errors } = readFilters(query);
    if (Object.keys(errors).length) return this.list(query, req, res);
    const events = await this.audit.search({ ...filter, beforeId: undefined }, EXPORT_LIMIT);
    await this.audit.record({
      actor: { type: 'operator', id: me.id },
      action: 'admin.audit.exported',
      outcome: 'success',
      details: {
        filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() },
        count: events.length,
      },
    });
    const csv = stringify(events.map(row), { header: true, columns: COLUMNS, bom: true, escape_formulas: true });
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .attachment(`journal-audit-${new Date().toISOString().slice(0, 10)}.csv`)
      .send(csv);
  }

  @Get(':id')
  async show(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const event = await this.audit.findOne(id);
    if (!event) throw new AdminError(AdminErrorCode.AUDIT_EVENT_NOT_FOUND, t('admin:audit.notFound'));
    renderConsolePage(req, res, 'audit-event', 'audit', t('admin:event.title', { id: event.id }), {
      event: { ...event, occurredAt: consoleDateTime(event.occurredAt), occurredAtIso: event.occurredAt.toISOString() },
      details: JSON.stringify(event.details, null, 2),
    });
  }
}

const COLUMNS = [
  { key: 'id', header: 'id' },
  { key: 'occurredAt', header: 'date' },
  { key: 'actorType', header: 'type_acteur' },
  { key: 'actorId', header: 'acteur' },
  { key: 'action', header: 'action' },
  { key: 'targetType', header: 'type_cible' },
  { key: 'targetId', header: 'cible' },
  { key: 'outcome', header: 'resultat' },
  { key: 'ipAddress', header: 'adresse_ip' },
  { key: 'requestId', header: 'requete' },
  { key: 'details', header: 'details' },
];

function row(event: AuditEvent): Record<string, string> {
  return {
    id: event.id,
    occurredAt: event.occurredAt.toISOString(),
    actorType: event.actorType,
    actorId: event.actorId ?? '',
    action: event.action,
    targetType: event.targetType ?? '',
    targetId: event.targetId ?? '',
    outcome: event.outcome,
    ipAddress: event.ipAddress ?? '',
    requestId: event.requestId ?? '',
    details: JSON.stringify(event.details),
  };
}
