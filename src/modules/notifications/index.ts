export { NotificationsModule } from './notifications.module';
export { NotificationsService, type EmailToSend, type SmsToSend, type WebhookToSend } from './notifications.service';
export { parsePhoneNumber, type PhoneNumber } from './phone';
export { OutboxWorker, type OutboxWorkerOptions } from './outbox.worker';
export { WebhookTransport } from './webhook.transport';
export { NotificationsError, NotificationsErrorCode } from './notifications.errors';
export { notificationsCommands } from './cli/notifications.commands';
export {
  renderMail,
  renderSms,
  DIGEST_WINDOWS,
  SMS_TEMPLATE_NAMES,
  TEMPLATE_NAMES,
  type SmsTemplateData,
  type SmsTemplateName,
  type TemplateData,
  type TemplateName,
} from './templates/templates';
