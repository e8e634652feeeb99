import { Injectable } from '@nestjs/common';
import { AuditService } from '../../platform/audit';
import { NotificationsError, NotificationsService } from '../notifications';
import { auditActor, type AdminActor } from './account-administration.service';

/** At most this many failed messages go back to the queue per « retry all » (the oldest ones wait for the next). */
export const RETRY_ALL_LIMIT = 1000;

/** The outbox's operations shared by the console and the administration API. */
@Injectable()
export class OutboxAdministrationService {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Every failed message back to the queue (at most `RETRY_ALL_LIMIT`), each audited `admin.outbox.retried` (failed →
   * pending). Returns the ids put back; one retried meanwhile by someone else is skipped.
   */
  async retryAllFailed(actor: AdminActor): Promise<string[]> {
    const retried: string[] = [];
    for (const message of await this.notifications.list('failed', RETRY_ALL_LIMIT)) {
      try {
        await this.notifications.retry(message.id);
      } catch (error) {
        if (!(error instanceof NotificationsError)) throw error;
        continue;
      }
      await this.recordRetry(actor, message.id, message.attempts);
      retried.push(message.id);
    }
    return retried;
  }

  async recordRetry(actor: AdminActor, messageId: string, attempts?: number): Promise<void> {
    await this.audit.record({
      actor: auditActor(actor),
      action: 'admin.outbox.retried',
      target: { type: 'outbox_message', id: messageId },
      outcome: 'success',
      details: {
        before: { status: 'failed', ...(attempts === undefined ? {} : { attempts }) },
        after: { status: 'pending', attempts: 0 },
      },
    });
  }
}
