import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DevMailboxMessage } from './entities/dev-mailbox-message.entity';
import { OutboxMessage } from './entities/outbox-message.entity';
import { MailTransport } from './mail.transport';
import { NotificationsService } from './notifications.service';
import { OutboxWorker } from './outbox.worker';
import { SmsTransport } from './sms.transport';
import { WebhookTransport } from './webhook.transport';
import { DevMailboxController } from './pages/dev-mailbox.controller';

@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessage, DevMailboxMessage])],
  controllers: [DevMailboxController],
  providers: [NotificationsService, OutboxWorker, MailTransport, SmsTransport, WebhookTransport],
  exports: [NotificationsService, OutboxWorker],
})
export class NotificationsModule {}
