import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { OutboxMessage, type OutboxStatus } from './entities/outbox-message.entity';
import { NotificationsError, NotificationsErrorCode } from './notifications.errors';
import type { TemplateData, TemplateName } from './templates/templates';

export interface EmailToSend<N extends TemplateName> {
  to: string;
  template: N;
  data: TemplateData[N];
  /** Enqueuing twice with the same key keeps one message (a retried request, a replayed event). */
  idempotencyKey?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The outbox: the only way the platform sends a message (DESIGN.md, "Side effects that must not be lost"). */
@Injectable()
export class NotificationsService {
  constructor(@InjectRepository(OutboxMessage) private readonly messages: Repository<OutboxMessage>) {}

  /**
   * Writes an e-mail into the outbox within the caller's transaction (`manager`): it exists, and will be sent, if and
   * only if that transaction commits. Returns the message id (the existing one for a repeated idempotency key).
   */
  async enqueueEmail<N extends TemplateName>(manager: EntityManager, email: EmailToSend<N>): Promise<string> {
    const to = email.to.trim();
    if (!EMAIL.test(to)) {
      throw new NotificationsError(
        NotificationsErrorCode.INVALID_RECIPIENT,
        `Adresse électronique invalide : ${email.to}`,
      );
    }
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO outbox_message (channel, recipient, template, data, idempotency_key)
       VALUES ('email', $1, $2, $3, $4)
       ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key
       RETURNING id`,
      [to, email.template, email.data, email.idempotencyKey ?? null],
    );
    return rows[0].id;
  }

  async list(status?: OutboxStatus, limit = 100): Promise<OutboxMessage[]> {
    return this.messages.find({ where: status ? { status } : {}, order: { createdAt: 'DESC' }, take: limit });
  }

  async find(id: string): Promise<OutboxMessage | undefined> {
    return (await this.messages.findOneBy({ id })) ?? undefined;
  }

  /** An operator sends a failed message again (its attempts start over). */
  async retry(id: string): Promise<void> {
    const { affected } = await this.messages.update(
      { id, status: 'failed' },
      { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null },
    );
    if (!affected) {
      throw new NotificationsError(
        NotificationsErrorCode.MESSAGE_NOT_FOUND,
        `Aucun message en échec avec l’identifiant ${id}.`,
      );
    }
  }
}
