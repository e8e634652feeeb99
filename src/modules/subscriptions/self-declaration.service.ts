import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OnDomainEvent } from '../../platform/events';
import { t } from '../../platform/i18n/i18n';
import {
  IdentityService,
  PersonalAccountRegistration,
  type IdentityEvents,
  type PersonalAccountForm,
} from '../identity';
import { AccessCodesService } from './access-codes.service';
import { SubscriptionsClock } from './subscriptions.clock';
import { parisDate, SubscriptionsService, type SubscriptionView } from './subscriptions.service';

/** A seat held for a self-declared account until it is activated: `reserved:<account id>`. */
const placeholder = (accountId: string) => `reserved:${accountId}`;

/** Why « Créer mon compte personnel » is not open to this browser, in the request's language. */
export interface SelfDeclarationRefusal {
  title: string;
  paragraphs: string[];
}

export type SelfDeclarationContext =
  { open: true; subscription: SubscriptionView } | { open: false; refusal: SelfDeclarationRefusal };

/**
 * « Créer mon compte » in « auto-déclaration » (the seed's steps 1 to 5): from a session opened with the subscription's
 * access codes, a person creates their personal account (`PersonalAccountRegistration`, identity's use case). The seat
 * is held in the same transaction as the account (a `reserved:<account id>` membership, reader of every product the
 * subscription covers), and becomes the account's membership once it is activated: on `identity.account.activated`, or
 * at the next access check of the account if that event was lost. A pending account deleted unactivated gives its
 * seat back.
 */
@Injectable()
export class SelfDeclarationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accessCodes: AccessCodesService,
    private readonly subscriptions: SubscriptionsService,
    private readonly registration: PersonalAccountRegistration,
    private readonly identity: IdentityService,
    private readonly clock: SubscriptionsClock,
  ) {}

  /** Whether the provider session's subject may create a personal account, and in which subscription. */
  async context(subject: string | undefined): Promise<SelfDeclarationContext> {
    const signInFirst = t('subscriptions:createMyAccount.refusals.signInFirst');
    if (!subject || !this.accessCodes.owns(subject))
      return {
        open: false,
        refusal: {
          title: t('subscriptions:createMyAccount.refusals.codesTitle'),
          paragraphs: [signInFirst, subject ? t('subscriptions:createMyAccount.refusals.personal') : ''].filter(
            Boolean,
          ),
        },
      };
    const subscriptionId = await this.accessCodes.subscriptionOf(subject);
    if (!subscriptionId)
      return {
        open: false,
        refusal: {
          title: t('subscriptions:createMyAccount.refusals.renewedTitle'),
          paragraphs: [t('subscriptions:createMyAccount.refusals.renewed'), signInFirst],
        },
      };
    const subscription = await this.subscriptions.getSubscription(subscriptionId);
    const today = parisDate(this.clock.now());
    const subscriber = subscription.subscriber;
    if (today < subscription.startsOn || today > subscription.endsOn)
      return {
        open: false,
        refusal: {
          title: t('subscriptions:createMyAccount.refusals.inactiveTitle'),
          paragraphs: [
            today < subscription.startsOn
              ? t('subscriptions:createMyAccount.refusals.notStarted', { subscriber })
              : t('subscriptions:createMyAccount.refusals.ended', { subscriber }),
            t('subscriptions:createMyAccount.refusals.contact'),
          ],
        },
      };
    switch (subscription.accountMode) {
      case 'self-declaration':
        return { open: true, subscription };
      case 'administrator-managed':
        return {
          open: false,
          refusal: {
            title: t('subscriptions:createMyAccount.refusals.administratorTitle'),
            paragraphs: [
              t('subscriptions:createMyAccount.refusals.administrator', { subscriber }),
              t('subscriptions:createMyAccount.refusals.askAdministrator'),
            ],
          },
        };
      case 'no-personal-account':
        return {
          open: false,
          refusal: {
            title: t('subscriptions:createMyAccount.refusals.noPersonalTitle'),
            paragraphs: [
              t('subscriptions:createMyAccount.refusals.noPersonal', { subscriber }),
              t('subscriptions:createMyAccount.refusals.changeMode'),
            ],
          },
        };
      default: {
        const never: never = subscription.accountMode;
        throw new Error(`mode inconnu ${String(never)}`);
      }
    }
  }

  /**
   * « Valider »: the account is created pending, its activation e-mail queued and its seat held, in one transaction.
   * Throws identity's `FORM_INVALID` (a message per field) or `SEATS_EXHAUSTED`. Returns the address the e-mail goes
   * to; an address that already has an account gets the same answer (its holder is told by e-mail), no seat held.
   */
  async createAccount(subscription: SubscriptionView, form: PersonalAccountForm): Promise<{ email: string }> {
    const grants = subscription.products.map((product) => ({ productCode: product.code, role: 'reader' as const }));
    const { email } = await this.registration.register(form, {
      organisationName: subscription.subscriber,
      alongside: (manager, accountId) =>
        this.subscriptions.reserveSeatWithin(manager, subscription.id, grants, placeholder(accountId)),
    });
    return { email };
  }

  /** The account was activated: its held seats become memberships. Whether it had any. */
  async activated(accountId: string): Promise<boolean> {
    const held = await this.dataSource.query<unknown[]>('SELECT 1 FROM membership WHERE account_id = $1 LIMIT 1', [
      placeholder(accountId),
    ]);
    if (held.length === 0) return false;
    const account = await this.identity.findById(accountId);
    if (account?.status !== 'active') return false;
    const taken = await this.subscriptions.takeReservedSeats(placeholder(accountId), accountId, {
      type: 'account',
      id: accountId,
    });
    return taken.length > 0;
  }

  @OnDomainEvent('identity.account.activated')
  async onActivated(event: IdentityEvents['identity.account.activated']): Promise<void> {
    await this.activated(event.accountId);
  }

  @OnDomainEvent('identity.account.deleted')
  async onDeleted(event: IdentityEvents['identity.account.deleted']): Promise<void> {
    await this.subscriptions.releaseReservedSeats(placeholder(event.accountId));
  }
}
