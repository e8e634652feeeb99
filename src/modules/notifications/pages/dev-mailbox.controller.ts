import { Controller, Get, Inject, Param, ParseUUIDPipe, Render, Res } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Response } from 'express';
import type { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../config';
import { PlatformError, PlatformErrorCode } from '../../../platform/errors';
import { Public } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { DevMailboxMessage } from '../entities/dev-mailbox-message.entity';

/**
 * The development mailbox: the e-mails and text messages "sent" when no SMTP_URL / SMS_GATEWAY_URL is set, so that a newcomer can click an activation
 * link right after `npm start`. Absent in production (404).
 */
@Controller('dev/boite-mail')
export class DevMailboxController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(DevMailboxMessage) private readonly messages: Repository<DevMailboxMessage>,
  ) {}

  @Public()
  @Get()
  @Render('modules/notifications/views/dev-mailbox.njk')
  async list(): Promise<Record<string, unknown>> {
    this.onlyInDevelopment();
    return {
      title: t('notifications:devMailbox.title'),
      messages: await this.messages.find({ order: { createdAt: 'DESC' }, take: 200 }),
    };
  }

  @Public()
  @Get(':id')
  @Render('modules/notifications/views/dev-mailbox-message.njk')
  async show(@Param('id', ParseUUIDPipe) id: string): Promise<Record<string, unknown>> {
    this.onlyInDevelopment();
    return { title: t('notifications:devMailbox.messageTitle'), message: await this.find(id) };
  }

  /** The HTML body alone, under a CSP of its own: inline styles allowed, nothing else (no script, no remote). */
  @Public()
  @Get(':id/html')
  async html(@Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    this.onlyInDevelopment();
    const message = await this.find(id);
    if (message.html === null) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.type('html').send(message.html);
  }

  private async find(id: string): Promise<DevMailboxMessage> {
    const message = await this.messages.findOneBy({ id });
    if (!message) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
    return message;
  }

  private onlyInDevelopment(): void {
    if (this.config.isProduction) throw new PlatformError(PlatformErrorCode.NOT_FOUND);
  }
}
