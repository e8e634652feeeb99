import type { NotificationsService } from '../notifications';

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

export const OUTBOX_STATUS_LABELS: Record<string, string> = {
  pending: 'À envoyer',
  sending: 'En cours d’envoi',
  sent: 'Envoyé',
  failed: 'En échec',
};

const frenchDateTime = (date: Date) =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' }).format(date);

/** What the console shows of an outbox message: never its data. */
export function outboxView(message: OutboxMessage, masked: boolean) {
  return {
    id: message.id,
    channel: message.channel,
    recipient: masked ? maskRecipient(message.channel, message.recipient) : message.recipient,
    template: message.template,
    status: message.status,
    statusLabel: OUTBOX_STATUS_LABELS[message.status] ?? message.status,
    attempts: message.attempts,
    lastError: message.lastError,
    createdAt: frenchDateTime(message.createdAt),
    nextAttemptAt: frenchDateTime(message.nextAttemptAt),
    sentAt: message.sentAt ? frenchDateTime(message.sentAt) : null,
  };
}
