import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A provider's webhook event already processed: the same event id sent again (a replay, a retry) is ignored. */
@Entity('payment_webhook_event')
export class PaymentWebhookEvent {
  @PrimaryColumn({ type: 'varchar', length: 20, primaryKeyConstraintName: 'PK_payment_webhook_event' })
  provider: string;

  @PrimaryColumn({
    name: 'event_id',
    type: 'varchar',
    length: 255,
    primaryKeyConstraintName: 'PK_payment_webhook_event',
  })
  eventId: string;

  @CreateDateColumn({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;
}
