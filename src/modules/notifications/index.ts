export { NotificationsModule } from './notifications.module';
export { NotificationsService, type EmailToSend } from './notifications.service';
export { OutboxWorker, type OutboxWorkerOptions } from './outbox.worker';
export { NotificationsError, NotificationsErrorCode } from './notifications.errors';
export { notificationsCommands } from './cli/notifications.commands';
export { renderMail, TEMPLATE_NAMES, type TemplateData, type TemplateName } from './templates/templates';
