import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../../platform/audit';
import { Membership } from './entities/membership.entity';
import { Subscription } from './entities/subscription.entity';
import { SubscriptionsError, SubscriptionsErrorCode } from './subscriptions.errors';
import { SubscriptionsService, type SubscriptionsActor, type SubscriptionView } from './subscriptions.service';

/** What may change in a running subscription: its seats and its dates (omitted: unchanged). */
export interface SubscriptionTermsChange {
  seats?: number;
  startsOn?: string;
  endsOn?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalid = (message: string) => new SubscriptionsError(SubscriptionsErrorCode.INVALID_INPUT, message);

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Changes a subscription's seats and dates (a renewal, an extension, more seats). Under the subscription's row lock,
 * like the additions of members: the seats never go below the members (invitations in progress included), so a
 * reduction never races an addition. Audited `subscriptions.subscription.changed` with the values before and after.
 */
@Injectable()
export class SubscriptionTermsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly subscriptions: SubscriptionsService,
    private readonly audit: AuditService,
  ) {}

  async change(id: string, change: SubscriptionTermsChange, actor: SubscriptionsActor): Promise<SubscriptionView> {
    const notFound = new SubscriptionsError(
      SubscriptionsErrorCode.SUBSCRIPTION_NOT_FOUND,
      `Abonnement « ${id} » introuvable.`,
    );
    if (!UUID.test(id)) throw notFound;
    if (change.seats === undefined && change.startsOn === undefined && change.endsOn === undefined)
      throw invalid('Rien à changer : donnez le nombre de places, la date de début ou la date de fin.');
    if (change.seats !== undefined && (!Number.isInteger(change.seats) || change.seats < 1 || change.seats > 100_000))
      throw invalid('Le nombre de places doit être un nombre entier entre 1 et 100 000.');
    for (const [label, value] of [
      ['début', change.startsOn],
      ['fin', change.endsOn],
    ] as const)
      if (value !== undefined && !isRealDate(value))
        throw invalid(`Date de ${label} « ${value} » invalide : attendue au format AAAA-MM-JJ.`);
    await this.dataSource.transaction(async (manager) => {
      const subscription = await manager.findOne(Subscription, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!subscription) throw notFound;
      const before = { seats: subscription.seats, startsOn: subscription.startsOn, endsOn: subscription.endsOn };
      const after = {
        seats: change.seats ?? before.seats,
        startsOn: change.startsOn ?? before.startsOn,
        endsOn: change.endsOn ?? before.endsOn,
      };
      if (after.endsOn < after.startsOn) throw invalid('La date de fin précède la date de début.');
      const members = await manager.countBy(Membership, { subscriptionId: id });
      if (after.seats < members)
        throw new SubscriptionsError(
          SubscriptionsErrorCode.SEATS_IN_USE,
          `L’abonnement compte déjà ${members} membre(s) (invitations en cours comprises) : il ne peut pas avoir moins de ${members} place(s). Retirez d’abord des membres.`,
        );
      await manager.update(
        Subscription,
        { id },
        {
          seats: after.seats,
          startsOn: after.startsOn,
          endsOn: after.endsOn,
          // A new end date: the administrators are warned again before it (SubscriptionsExpiryJob).
          ...(after.endsOn !== before.endsOn ? { expiryWarningDays: null } : {}),
        },
      );
      await this.audit.record(
        {
          actor,
          action: 'subscriptions.subscription.changed',
          target: { type: 'subscription', id },
          outcome: 'success',
          details: { before, after },
        },
        manager,
      );
    });
    return this.subscriptions.getSubscription(id);
  }
}
