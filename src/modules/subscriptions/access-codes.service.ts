import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { DEFAULT_LOCALE, hasMessage, translate, type Locale } from '../../platform/i18n/i18n';
import { AuditService } from '../../platform/audit';
import { IdentityService } from '../identity';
import { NotificationsService } from '../notifications';
import { AccessCode } from './entities/access-code.entity';
import type { AccountMode } from './entities/subscription.entity';
import { SubscriptionsError, SubscriptionsErrorCode } from './subscriptions.errors';
import { SubscriptionsService, type SubscriptionsActor, type SubscriptionView } from './subscriptions.service';

/** The shared subject of a provider session opened with access codes: `access-codes:<access_code.id>`. */
export const SHARED_SUBJECT_PREFIX = 'access-codes:';

/** No 0/O, 1/I/L: the codes are read from a printed letter. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LOGIN = new RegExp(`^ABO([${ALPHABET}]{8})$`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASH_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
let dummyHash: Promise<string> | undefined;

/** The paragraph of the access codes' e-mail and letter that tells the mode (the seed's « Préambule »), in a language. */
export function modeParagraph(
  mode: AccountMode,
  locale: Locale = DEFAULT_LOCALE,
): { title: string; paragraphs: string[] } {
  const key = `subscriptions:modeParagraphs.${mode}`;
  return {
    title: translate(locale, `${key}.title`),
    paragraphs: ['paragraph1', 'paragraph2']
      .filter((name) => hasMessage(locale, `${key}.${name}`))
      .map((name) => translate(locale, `${key}.${name}`)),
  };
}

/** « Si vous souhaitez changer de mode de gestion… », in a language. */
export function modeChangeNote(locale: Locale = DEFAULT_LOCALE): string {
  return translate(locale, 'subscriptions:modeParagraphs.changeNote');
}

/** Access codes as issued: the only moment the password exists in clear. */
export interface IssuedAccessCodes {
  subscription: SubscriptionView;
  login: string;
  /** `XXXX-XXXX-XXXX`. */
  password: string;
  modeParagraph: { title: string; paragraphs: string[] };
  /** Whether an e-mail was queued (to `email`). */
  emailedTo?: string;
}

/**
 * A subscription's access codes (« codes d'accès »): generic credentials delivered by e-mail and letter, shared by the
 * subscription's readers. Signing in with them opens a provider session whose subject is `access-codes:<id>`, not a
 * person: the products receive the subscription (`"shared": true`), nothing personal. Only the argon2id hash of the
 * password is kept; issuing codes again replaces them (the old ones, and the sessions they opened, stop working).
 */
@Injectable()
export class AccessCodesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscriptions: SubscriptionsService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly identity: IdentityService,
  ) {}

  /**
   * Issues the subscription's access codes, replacing any earlier ones. With `email`, the e-mail of « remise de codes
   * d'accès » (with the paragraph telling the mode) is queued in the same transaction.
   */
  async issue(
    subscriptionId: string,
    options: { email?: string; actor?: SubscriptionsActor; firstOnly?: boolean } = {},
  ): Promise<IssuedAccessCodes> {
    const subscription = await this.subscriptions.getSubscription(subscriptionId);
    const email = options.email?.trim().toLowerCase();
    if (email !== undefined && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254))
      throw new SubscriptionsError(
        SubscriptionsErrorCode.INVALID_INPUT,
        `Adresse électronique « ${options.email} » invalide.`,
      );
    const password = [0, 1, 2].map(() => randomCode(4)).join('-');
    const secretHash = await hash(password.replace(/-/g, ''), HASH_OPTIONS);
    const paragraph = modeParagraph(subscription.accountMode);
    // The e-mail speaks the language of the account that holds the address, if any (French otherwise).
    const locale =
      email === undefined ? DEFAULT_LOCALE : ((await this.identity.findByEmail(email))?.locale ?? DEFAULT_LOCALE);
    const mailParagraph = modeParagraph(subscription.accountMode, locale);
    const login = await this.dataSource.transaction(async (manager) => {
      // The subscription's row lock serialises two issues of the same codes.
      await manager.query('SELECT id FROM subscription WHERE id = $1 FOR UPDATE', [subscriptionId]);
      // `firstOnly` (the API's issue, as opposed to its reset): a retried request never replaces codes just delivered.
      if (options.firstOnly && (await manager.existsBy(AccessCode, { subscriptionId })))
        throw new SubscriptionsError(
          SubscriptionsErrorCode.ACCESS_CODES_ALREADY_ISSUED,
          'Les codes d’accès de cet abonnement sont déjà émis : pour en émettre de nouveaux, réinitialisez-les.',
        );
      await manager.delete(AccessCode, { subscriptionId });
      let login = `ABO-${randomCode(4)}-${randomCode(4)}`;
      while (await manager.existsBy(AccessCode, { login })) login = `ABO-${randomCode(4)}-${randomCode(4)}`;
      await manager.insert(AccessCode, { subscriptionId, login, secretHash });
      if (email)
        await this.notifications.enqueueEmail(manager, {
          to: email,
          template: 'subscription-access-codes',
          data: {
            subscriber: subscription.subscriber,
            products: subscription.products.map((p) => p.name),
            login,
            password,
            modeTitle: mailParagraph.title,
            modeParagraphs: mailParagraph.paragraphs,
            modeChangeNote: modeChangeNote(locale),
            signInUrl: `${this.config.publicUrl}/compte`,
          },
          // The password exists in clear nowhere else: sealed in the outbox, erased once the e-mail is delivered.
          secretFields: ['password'],
          locale,
        });
      await this.audit.record(
        {
          actor: options.actor ?? { type: 'operator' },
          action: 'subscriptions.access_codes.issued',
          target: { type: 'subscription', id: subscriptionId },
          outcome: 'success',
          details: { login, emailed: email !== undefined },
        },
        manager,
      );
      return login;
    });
    return { subscription, login, password, modeParagraph: paragraph, ...(email ? { emailedTo: email } : {}) };
  }

  /** The login of the subscription's codes, if any were issued (never the password: only its hash is kept). */
  async loginOf(subscriptionId: string): Promise<string | undefined> {
    if (!UUID.test(subscriptionId)) return undefined;
    return (await this.dataSource.getRepository(AccessCode).findOneBy({ subscriptionId }))?.login;
  }

  /** `ABO-XXXX-XXXX` typed with or without hyphens and spaces, in any case. */
  recognises(identifier: string): boolean {
    return normalizeLogin(identifier) !== undefined;
  }

  /** The shared subject these codes open, or `undefined`; the same work whether the login exists or not. */
  async authenticate(identifier: string, password: string): Promise<string | undefined> {
    const login = normalizeLogin(identifier);
    const code = login ? await this.dataSource.getRepository(AccessCode).findOneBy({ login }) : null;
    const secret = password.toUpperCase().replace(/[\s-]/g, '');
    if (!code) {
      dummyHash ??= hash('codes factices', HASH_OPTIONS);
      await verify(await dummyHash, secret).catch(() => false);
      return undefined;
    }
    const valid = await verify(code.secretHash, secret).catch(() => false);
    return valid ? `${SHARED_SUBJECT_PREFIX}${code.id}` : undefined;
  }

  owns(subject: string): boolean {
    return subject.startsWith(SHARED_SUBJECT_PREFIX);
  }

  /** The subscription whose current codes opened this shared subject; `undefined` once they were issued again. */
  async subscriptionOf(subject: string): Promise<string | undefined> {
    if (!this.owns(subject)) return undefined;
    const id = subject.slice(SHARED_SUBJECT_PREFIX.length);
    if (!UUID.test(id)) return undefined;
    return (await this.dataSource.getRepository(AccessCode).findOneBy({ id }))?.subscriptionId;
  }
}

function randomCode(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

function normalizeLogin(identifier: string): string | undefined {
  const match = LOGIN.exec(identifier.toUpperCase().replace(/[\s-]/g, ''));
  return match ? `ABO-${match[1].slice(0, 4)}-${match[1].slice(4)}` : undefined;
}
