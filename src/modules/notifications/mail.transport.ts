import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DevMailboxMessage } from './entities/dev-mailbox-message.entity';
import { PermanentDeliveryError } from './delivery-error';
import type { RenderedMail } from './templates/templates';

/**
 * E-mail delivery: SMTP with pooled connections when `SMTP_URL` is set; otherwise (development only) the development
 * mailbox, a table read at /dev/boite-mail.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private transporter: Transporter | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(DevMailboxMessage) private readonly mailbox: Repository<DevMailboxMessage>,
  ) {}

  get usesDevelopmentMailbox(): boolean {
    return this.config.mail.smtpUrl === undefined;
  }

  async send(to: string, mail: RenderedMail, messageId: string): Promise<void> {
    if (this.usesDevelopmentMailbox) {
      await this.mailbox.insert({
        channel: 'email',
        recipient: to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      return;
    }
    this.transporter ??= nodemailer.createTransport({
      url: this.config.mail.smtpUrl,
      pool: true,
      maxConnections: 5,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as never);
    try {
      await this.transporter.sendMail({
        from: this.config.mail.from,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The outbox id, so that a message sent twice (at-least-once delivery) can be recognised downstream.
        messageId: `<${messageId}@plateforme-identite>`,
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      if (code !== undefined && code >= 500 && code < 600) {
        throw new PermanentDeliveryError(`SMTP ${code} : ${(error as Error).message}`);
      }
      throw error;
    }
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
