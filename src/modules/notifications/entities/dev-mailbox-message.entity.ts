import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An e-mail or a text message "delivered" to the development mailbox (no SMTP_URL / SMS_GATEWAY_URL, never in
 * production), read at /dev/boite-mail.
 */
@Entity('dev_mailbox_message')
export class DevMailboxMessage {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_dev_mailbox_message' })
  id: string;

  @Column({ type: 'varchar', length: 8, default: 'email' })
  channel: 'email' | 'sms';

  @Column({ type: 'varchar', length: 320 })
  recipient: string;

  @Column({ type: 'varchar', length: 998 })
  subject: string;

  @Column({ type: 'text' })
  text: string;

  /** `null` for a text message. */
  @Column({ type: 'text', nullable: true })
  html: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
