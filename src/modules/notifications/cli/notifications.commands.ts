import { Command } from 'commander';
import { DataSource } from 'typeorm';
import type { CliRuntime } from '../../../platform/cli/cli-context';
import { CliError } from '../../../platform/cli/cli-error';
import { DEFAULT_LOCALE, isLocale, LOCALES, type Locale } from '../../../platform/i18n/i18n';
import type { OutboxStatus } from '../entities/outbox-message.entity';
import { NotificationsError } from '../notifications.errors';
import { NotificationsService } from '../notifications.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

function localeOption(value: string): Locale {
  if (!isLocale(value)) throw new CliError(`Langue inconnue « ${value} » : ${LOCALES.join(', ')}.`);
  return value;
}

/** When the test was asked for, as the message's language writes it, in Paris time. */
const sentAt = (locale: Locale) =>
  new Date().toLocaleString(locale === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris' });

/** `mail:test`, `sms:test`, `outbox:list`, `outbox:retry`. */
export function notificationsCommands({ withApplication }: CliRuntime): Command[] {
  const rethrow = (error: unknown): never => {
    if (error instanceof NotificationsError) throw new CliError(error.message);
    throw error;
  };

  const mailTest = new Command('mail:test')
    .description('met un e-mail d’essai dans la file d’envoi (pour vérifier SMTP_URL)')
    .requiredOption('--to <adresse>', 'destinataire')
    .option('--locale <langue>', `langue du message : ${LOCALES.join(', ')}`, DEFAULT_LOCALE)
    .action(async (options: { to: string; locale: string }) => {
      const locale = localeOption(options.locale);
      const id = await withApplication((context) =>
        context
          .get(DataSource)
          .transaction((manager) =>
            context.get(NotificationsService).enqueueEmail(manager, {
              to: options.to,
              template: 'test-email',
              data: { sentAt: sentAt(locale) },
              locale,
            }),
          )
          .catch(rethrow),
      );
      console.log(`E-mail d’essai mis dans la file : ${id}. Une instance de la plateforme en marche l’enverra.`);
    });

  const smsTest = new Command('sms:test')
    .description('met un SMS d’essai dans la file d’envoi (pour vérifier SMS_GATEWAY_URL)')
    .requiredOption('--to <numéro>', 'numéro de mobile (06…, ou +33…)')
    .option('--locale <langue>', `langue du message : ${LOCALES.join(', ')}`, DEFAULT_LOCALE)
    .action(async (options: { to: string; locale: string }) => {
      const locale = localeOption(options.locale);
      const id = await withApplication((context) =>
        context
          .get(DataSource)
          .transaction((manager) =>
            context.get(NotificationsService).enqueueSms(manager, {
              to: options.to,
              template: 'test-sms',
              data: { sentAt: sentAt(locale) },
              locale,
            }),
          )
          .catch(rethrow),
      );
      console.log(`SMS d’essai mis dans la file : ${id}. Une instance de la plateforme en marche l’enverra.`);
    });

  const list = new Command('outbox:list')
    .description('liste les messages de la file d’envoi')
    .option('--status <statut>', `filtre : ${STATUSES.join(', ')}`)
    .action(async (options: { status?: string }) => {
      if (options.status && !STATUSES.includes(options.status as OutboxStatus)) {
        throw new CliError(`Statut inconnu « ${options.status} » : ${STATUSES.join(', ')}.`);
      }
      const messages = await withApplication((context) =>
        context.get(NotificationsService).list(options.status as OutboxStatus | undefined, 500),
      );
      if (messages.length === 0) console.log('Aucun message.');
      for (const m of messages) {
        const error = m.lastError ? `  dernière erreur : ${m.lastError}` : '';
        console.log(
          `${m.id}  ${m.status.padEnd(8)}  ${m.channel.padEnd(7)}  ${m.template.padEnd(16)}  tentatives ${m.attempts}  ${m.createdAt.toISOString()}${error}`,
        );
      }
    });

  const retry = new Command('outbox:retry')
    .description('renvoie un message en échec')
    .argument('<id>', 'identifiant du message')
    .action(async (id: string) => {
      if (!UUID.test(id))
        throw new CliError(`Identifiant de message invalide « ${id} » : un UUID est attendu (voir outbox:list).`);
      await withApplication((context) => context.get(NotificationsService).retry(id).catch(rethrow));
      console.log(`Message ${id} remis dans la file.`);
    });

  return [mailTest, smsTest, list, retry];
}
