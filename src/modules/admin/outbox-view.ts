import type { NotificationsService } from '../notifications';
import { t } from '../../platform/i18n/i18n';
import { consoleDateTime } from './console-dates';

type OutboxMessage = NonNullable<Awaited<ReturnType<NotificationsService['find']>>>;

/**
 * A recipient as `lecture` sees it: « j•••@example.fr », « •••••••• 12 » for a phone, the host only of a webhook.
 * `support` and `super-admin` see it whole (to help the person); nobody sees the message's data (links with secrets).
 */
export function maskRecipient(channel: string, recipient: string): string {
  if (channel === 'email') {
    const at = recipient.lastIndexOf('@');
    return at > 0 ? `${recipient[0]}•••${recipient.slice(at)}` : '•••';
  }
  if (channel === 'sms') return `${'•'.repeat(Math.max(recipient.length - 2, 0))}${recipient.slice(-2)}`;
  try {
    return `${new URL(recipient).origin}/•••`;
  } catch {
    return '•••';
  }
}

/** The outbox's statuses, in the order the console lists them. */
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;

/** A status in the page's language (`admin:outbox.statuses.<status>`); an unknown one as it is. */
export function outboxStatusLabel(status: string): string {
  return (OUTBOX_STATUSES as readonly string[]).includes(status) ? t(`admin:outbox.statuses.${status}`) : status;
}

/** What the console shows of an outbox message: never its data. */
export function outboxView(message: OutboxMessage, masked: boolean) {
  return {
    id: message.id,
    channel: message.channel,
    recipient: masked ? maskRecipient(message.channel, message.recipient) : message.recipient,
    template: message.template,
    status: message.status,
    statusLabel: outboxStatusLabel(message.status),
    attempts: message.attempts,
    lastError: message.lastError,
    createdAt: consoleDateTime(message.createdAt),
    nextAttemptAt: consoleDateTime(message.nextAttemptAt),
    sentAt: message.sentAt ? consoleDateTime(message.sentAt) : null,
  };
}
