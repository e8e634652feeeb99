import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { requestContext } from '../http/request-context';
import { AuditEvent, type AuditActorType, type AuditOutcome } from './audit-event.entity';

export interface AuditRecord {
  actor: { type: AuditActorType; id?: string | null };
  action: string;
  target?: { type: string; id?: string | null };
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
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
    return repository.save(event);
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
