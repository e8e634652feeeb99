import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type OutboxChannel = 'email' | 'sms' | 'webhook';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * A message to deliver, written in the transaction of the change that causes it. Workers claim due messages with
 * `FOR UPDATE SKIP LOCKED`; a message left `sending` by a dead worker is claimed again once `locked_until` passes.
 */
@Entity('outbox_message')
@Index('UQ_outbox_message_idempotency_key', ['idempotencyKey'], { unique: true })
@Index('IDX_outbox_message_due', ['status', 'nextAttemptAt'])
// One open digest per recipient and template: new items join it until a worker claims it.
@Index('UQ_outbox_message_open_digest', ['digestKey'], { unique: true, where: `"status" = 'pending'` })
@Check('CHK_outbox_message_status', `"status" IN ('pending', 'sending', 'sent', 'failed')`)
@Check('CHK_outbox_message_channel', `"channel" IN ('email', 'sms', 'webhook')`)
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_outbox_message' })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  channel: OutboxChannel;

  /** An e-mail address, an E.164 phone number or a webhook URL. */
  @Column({ type: 'varchar', length: 2048 })
  recipient: string;

  @Column({ type: 'varchar', length: 64 })
  template: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey: string | null;

  /** Set while a digest is open (`channel:recipient:template`); cleared when a worker claims it. */
  @Column({ name: 'digest_key', type: 'varchar', length: 2200, nullable: true })
  digestKey: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
