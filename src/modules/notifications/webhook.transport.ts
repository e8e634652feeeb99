import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Webhook } from 'standardwebhooks';
import { Agent, fetch } from 'undici';
import { APP_CONFIG, type AppConfig } from '../../config';
import { SecretBox } from '../../platform/crypto/secret-box';
import { checkHttpAnswer, PermanentDeliveryError } from './delivery-error';

/** A webhook as the outbox keeps it in `data` (the URL is the message's recipient). */
export interface StoredWebhook {
  body: string;
  contentType: string;
  /**
   * Standard Webhooks signing secret (`whsec_…` or base64), sealed by `sealSecret`; without it the body is sent
   * unsigned (it may carry its own signature, as a logout token does).
   */
  sealedSecret?: string;
  /** ISO time after which the webhook is not sent any more. */
  expiresAt?: string;
}

export interface WebhookRequest extends StoredWebhook {
  url: string;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Webhooks: an HTTP POST to a URL given by an integration, so the destination is untrusted (SSRF). Only public unicast
 * addresses are reached (checked on the resolved address, at connection time, so DNS cannot swap it afterwards);
 * outside production, loopback too (tests, the demo site). Signed with Standard Webhooks headers when a secret is given
 * (`webhook-id` is the outbox id: a receiver drops a repeated delivery).
 */
@Injectable()
export class WebhookTransport implements OnModuleDestroy {
  private readonly allowLoopback: boolean;
  private readonly agent: Agent;
  private readonly secrets: SecretBox;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.allowLoopback = !config.isProduction;
    this.secrets = new SecretBox(config.secretKey, 'webhook-secret');
    const guardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
      lookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, []);
        const refused = addresses.find((a) => !this.allowed(a.address));
        if (refused)
          return callback(new PermanentDeliveryError(`adresse non publique refusée : ${refused.address}`), []);
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      });
    };
    this.agent = new Agent({ connect: { lookup: guardedLookup }, connections: 16 });
  }

  /** Whether an address may be reached: public unicast, or loopback outside production. */
  allowed(address: string): boolean {
    if (!ipaddr.isValid(address)) return false;
    const range = ipaddr.process(address).range();
    return range === 'unicast' || (this.allowLoopback && range === 'loopback');
  }

  /** Encrypts a signing secret for the outbox, where it waits until the webhook is sent. */
  sealSecret(secret: string): string {
    return this.secrets.seal(secret);
  }

  async send(webhook: WebhookRequest, messageId: string): Promise<void> {
    if (webhook.expiresAt && new Date(webhook.expiresAt) <= new Date()) {
      throw new PermanentDeliveryError(`expiré depuis le ${webhook.expiresAt}`);
    }
    const url = new URL(webhook.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new PermanentDeliveryError(`protocole refusé : ${url.protocol}`);
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An address written in the URL is not looked up: check it here.
    if (ipaddr.isValid(host) && !this.allowed(host)) {
      throw new PermanentDeliveryError(`adresse non publique refusée : ${host}`);
    }
    const headers: Record<string, string> = {
      'content-type': webhook.contentType,
      'user-agent': 'plateforme-identite',
    };
    if (webhook.sealedSecret) {
      const timestamp = new Date();
      headers['webhook-id'] = messageId;
      headers['webhook-timestamp'] = String(Math.floor(timestamp.getTime() / 1000));
      headers['webhook-signature'] = new Webhook(this.secrets.open(webhook.sealedSecret)).sign(
        messageId,
        timestamp,
        webhook.body,
      );
    }
    let status: number;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: webhook.body,
        redirect: 'manual',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      status = response.status;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof PermanentDeliveryError) throw cause;
      throw error;
    }
    checkHttpAnswer(`${url.origin}${url.pathname}`, status);
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }
}
