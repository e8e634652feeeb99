import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { checkHttpAnswer, PermanentDeliveryError } from './delivery-error';
import { DevMailboxMessage } from './entities/dev-mailbox-message.entity';

/** Something that sends a text message to an E.164 number. `reference` is the outbox id (at-least-once delivery). */
export interface SmsProvider {
  readonly name: string;
  send(to: string, text: string, reference: string): Promise<void>;
}

/**
 * The HTTP gateway of `SMS_GATEWAY_URL`: `POST {to, text, reference}` as JSON with `Authorization: Bearer <token>`;
 * any 2xx is a success, 4xx (but 408 and 429) a permanent refusal, anything else is retried. Most SMS providers are
 * reached this way, directly or through a small adapter.
 */
export class HttpSmsGateway implements SmsProvider {
  readonly name = 'passerelle HTTP';

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async send(to: string, text: string, reference: string): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ to, text, reference }),
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
    await response.body?.cancel();
    checkHttpAnswer('La passerelle SMS', response.status);
  }
}

/** Outside production without a gateway: the text message lands in the development mailbox (/dev/boite-mail). */
export class DevelopmentSmsSink implements SmsProvider {
  readonly name = 'boîte de développement';

  constructor(private readonly mailbox: Repository<DevMailboxMessage>) {}

  async send(to: string, text: string): Promise<void> {
    await this.mailbox.insert({
      channel: 'sms',
      recipient: to,
      subject: `SMS : ${text.slice(0, 60)}`,
      text,
      html: null,
    });
  }
}

/** The SMS provider of this deployment, if any: in production without `SMS_GATEWAY_URL`, none (no SMS offered). */
@Injectable()
export class SmsTransport {
  readonly provider: SmsProvider | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(DevMailboxMessage) mailbox: Repository<DevMailboxMessage>,
  ) {
    const gateway = config.sms.gateway;
    if (gateway) this.provider = new HttpSmsGateway(gateway.url, gateway.token);
    else if (!config.isProduction) this.provider = new DevelopmentSmsSink(mailbox);
  }

  get available(): boolean {
    return this.provider !== undefined;
  }

  async send(to: string, text: string, reference: string): Promise<void> {
    if (!this.provider) throw new PermanentDeliveryError('Aucune passerelle SMS configurée (SMS_GATEWAY_URL)');
    await this.provider.send(to, text, reference);
  }
}
