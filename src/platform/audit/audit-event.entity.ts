import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditActorType = 'account' | 'operator' | 'client' | 'system' | 'anonymous';
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** One line of the audit trail. The table refuses UPDATE and DELETE (migration PlatformAuditEvent). */
@Entity('audit_event')
@Index('IDX_audit_event_occurred_at', ['occurredAt'])
@Index('IDX_audit_event_actor', ['actorType', 'actorId'])
@Index('IDX_audit_event_target', ['targetType', 'targetId'])
@Index('IDX_audit_event_action', ['action'])
@Check('CHK_audit_event_outcome', `"outcome" IN ('success', 'failure', 'denied')`)
export class AuditEvent {
  // bigint comes back from `pg` as a string: JavaScript numbers cannot hold every bigint.
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'PK_audit_event',
  })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ name: 'actor_type', type: 'varchar', length: 32 })
  actorType: AuditActorType;

  @Column({ name: 'actor_id', type: 'varchar', length: 128, nullable: true })
  actorId: string | null;

  /** `<module>.<entity>.<past-verb>`, like events (`identity.sign_in.failed`). */
  @Column({ type: 'varchar', length: 128 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 64, nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 128, nullable: true })
  targetId: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: AuditOutcome;

  @Column({ name: 'ip_address', type: 'varchar', length: 64, nullable: true })
  ipAddress: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId: string | null;

  /** Never secrets, passwords, tokens or e-mail addresses: ids and reasons only. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
