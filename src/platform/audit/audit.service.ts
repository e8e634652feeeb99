import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, type EntityManager, type Repository } from 'typeorm';
import { requestContext } from '../http/request-context';
import { AuditEvent, type AuditActorType, type AuditOutcome } from './audit-event.entity';

export interface AuditRecord {
  actor: { type: AuditActorType; id?: string | null };
  action: string;
  target?: { type: string; id?: string | null };
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
}

/** What the console filters the trail by; every field optional. `action` matches a prefix (`admin.account.`). */
export interface AuditFilter {
  actorId?: string;
  targetId?: string;
  action?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Cursor: only events older than this id. */
  beforeId?: string;
}

/** Writes the audit trail. Modules call `record()`; the request's address, user agent and id are added for them. */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  /**
   * Appends one event. Pass the caller's transaction (`manager`) when the event must exist if and only if the change
   * it describes is committed.
   */
  async record(record: AuditRecord, manager?: EntityManager): Promise<AuditEvent> {
    const context = requestContext.current();
    const repository = manager ? manager.getRepository(AuditEvent) : this.events;
    const event = repository.create({
      actorType: record.actor.type,
      actorId: record.actor.id ?? null,
      action: record.action,
      targetType: record.target?.type ?? null,
      targetId: record.target?.id ?? null,
      outcome: record.outcome,
      ipAddress: context?.ipAddress?.slice(0, 64) ?? null,
      userAgent: context?.userAgent?.slice(0, 512) ?? null,
      requestId: context?.requestId ?? null,
      details: record.details ?? {},
    });
    // One INSERT: a single statement needs no transaction of its own (in the caller's, when given, it stays there).
    return repository.save(event, { transaction: false });
  }

  /**
   * An action on an account by its holder (actor and target: the account), or by someone not signed in acting for
   * the holder (`anonymous`: a reset request). The one way modules record what a person did with their own account.
   */
  async recordAccountAction(
    manager: EntityManager | undefined,
    accountId: string,
    action: string,
    options: { details?: Record<string, unknown>; anonymous?: boolean } = {},
  ): Promise<AuditEvent> {
    return this.record(
      {
        actor: options.anonymous ? { type: 'anonymous' } : { type: 'account', id: accountId },
        action,
        target: { type: 'account', id: accountId },
        outcome: 'success',
        details: options.details,
      },
      manager,
    );
  }

  /** How many of these actions target this id since a date (request limits counted on the trail itself). */
  async countRecent(
    manager: EntityManager | undefined,
    filter: { targetId: string; actions: string[]; since: Date },
  ): Promise<number> {
    const repository = manager ? manager.getRepository(AuditEvent) : this.events;
    return repository.countBy({
      targetId: filter.targetId,
      action: In(filter.actions),
      occurredAt: MoreThan(filter.since),
    });
  }

  /** How many events of each of these actions since a date (the console's dashboard). */
  async countActionsSince(actions: string[], since: Date): Promise<Record<string, number>> {
    const rows = await this.events
      .createQueryBuilder('event')
      .select('event.action', 'action')
      .addSelect('count(*)::int', 'count')
      .where('event.action IN (:...actions)', { actions })
      .andWhere('event.occurred_at > :since', { since })
      .groupBy('event.action')
      .getRawMany<{ action: string; count: number }>();
    const counts: Record<string, number> = Object.fromEntries(actions.map((a) => [a, 0]));
    for (const row of rows) counts[row.action] = row.count;
    return counts;
  }

  /** Per hour (truncated, UTC) and action, how many events of these actions since a date (the dashboard's chart). */
  async countPerHour(actions: string[], since: Date): Promise<Array<{ hour: Date; action: string; count: number }>> {
    return this.events
      .createQueryBuilder('event')
      .select(`date_trunc('hour', event.occurred_at)`, 'hour')
      .addSelect('event.action', 'action')
      .addSelect('count(*)::int', 'count')
      .where('event.action IN (:...actions)', { actions })
      .andWhere('event.occurred_at >= :since', { since })
      .groupBy('hour')
      .addGroupBy('event.action')
      .getRawMany<{ hour: Date; action: string; count: number }>();
  }

  /** Everything the trail says about an id, as actor or as target, the most recent first (a person's data export). */
  async trailOf(id: string, limit = 1000): Promise<AuditEvent[]> {
    return this.events.find({
      where: [{ actorId: id }, { targetId: id }],
      order: { occurredAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /** Events matching the filter, the most recent first (the console's audit viewer and its CSV export). */
  async search(filter: AuditFilter, limit = 50): Promise<AuditEvent[]> {
    const query = this.events.createQueryBuilder('event').orderBy('event.id', 'DESC');
    if (filter.actorId) query.andWhere('event.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.targetId) query.andWhere('event.target_id = :targetId', { targetId: filter.targetId });
    if (filter.action) {
      const prefix = filter.action.replace(/[\\%_]/g, (c) => `\\${c}`);
      query.andWhere('event.action LIKE :action', { action: `${prefix}%` });
    }
    if (filter.from) query.andWhere('event.occurred_at >= :since', { since: filter.from });
    if (filter.to) query.andWhere('event.occurred_at < :until', { until: filter.to });
    if (filter.beforeId) query.andWhere('event.id < :beforeId', { beforeId: filter.beforeId });
    return query.take(Math.min(Math.max(limit, 1), 10_000)).getMany();
  }

  async findOne(id: string): Promise<AuditEvent | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    return (await this.events.findOneBy({ id })) ?? undefined;
  }

  /** The most recent events first, for the console and for tests. */
  async latest(limit = 50, filter: { action?: string; actorId?: string } = {}): Promise<AuditEvent[]> {
    return this.events.find({
      where: {
        ...(filter.action ? { action: filter.action } : {}),
        ...(filter.actorId ? { actorId: filter.actorId } : {}),
      },
      order: { id: 'DESC' },
      take: Math.min(Math.max(limit, 1), 500),
    });
  }
}
