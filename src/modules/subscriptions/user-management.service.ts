import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Like } from 'typeorm';
import { IdentityError, IdentityService, type AccountView } from '../identity';
import { NotificationsService } from '../notifications';
import { Membership } from './entities/membership.entity';
import { MEMBER_ROLES, type MemberRole } from './entities/membership-role.entity';
import { Subscription } from './entities/subscription.entity';
import { SubscriptionsError, SubscriptionsErrorCode } from './subscriptions.errors';
import { SubscriptionsService, type RoleGrant, type SubscriptionsActor } from './subscriptions.service';
import { message, render, renderHere, type Message } from './subscriptions.messages';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A seat held while the person is invited (the account does not exist yet): `reserved:<random>`. */
const RESERVED = 'reserved:';

export interface ManagedUser {
  accountId: string;
  familyName: string;
  givenName: string;
  /** « Actif » once the person chose a password; « En attente d’activation » until then. */
  status: AccountView['status'];
  /** `produit|rubrique|rôle` of every ticked box (rubrique empty: the whole product). */
  access: string[];
}

/** One product of « Mes utilisateurs par produit ». */
export interface ProductUsers {
  code: string;
  name: string;
  /** `reader` / `administrator`: « Tout le produit », or the names of the sections. */
  users: Array<ManagedUser & { reader: string[]; administrator: string[] }>;
}

export interface NewUser {
  email: string;
  civility: string;
  familyName: string;
  givenName: string;
  /** `produit|rubrique|rôle` values of the form's boxes. */
  access: string[];
}

/**
 * Field messages of a refused « Créer un utilisateur » form: catalogue messages (or identity's texts, as they are).
 * `fields` in French (the JSON API), `pageFields()` in the request's language.
 */
export class UserFormError extends Error {
  constructor(readonly messages: Record<string, Message | string>) {
    super(render(message('subscriptions:users.errors.form')));
  }

  get fields(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.messages).map(([name, text]) => [name, render(text)]));
  }

  pageFields(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.messages).map(([name, text]) => [name, renderHere(text)]));
  }
}

/**
 * « Gérer mes utilisateurs »: what the administrators of a subscription in « gestion par administrateur » do with its
 * members. Every use case takes the subscription id the administrator acts on; the page's permission has checked that
 * they administer it, and every query here is bounded by it (a member of another subscription is « introuvable »).
 */
@Injectable()
export class UserManagementService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscriptions: SubscriptionsService,
    private readonly identity: IdentityService,
    private readonly notifications: NotificationsService,
  ) {}

  /** The subscriptions in « gestion par administrateur » this account administers (a role `administrator`). */
  async administered(accountId: string): Promise<Array<{ id: string; subscriber: string }>> {
    return this.dataSource.query(
      `SELECT DISTINCT s.id, s.subscriber FROM membership m
         JOIN subscription s ON s.id = m.subscription_id AND s.account_mode = 'administrator-managed'
         JOIN membership_role r ON r.membership_id = m.id AND r.role = 'administrator'
        WHERE m.account_id = $1 ORDER BY s.subscriber, s.id`,
      [accountId],
    );
  }

  async administers(subscriptionId: string, accountId: string): Promise<boolean> {
    if (!UUID.test(subscriptionId)) return false;
    return (await this.administered(accountId)).some((s) => s.id === subscriptionId);
  }

  /** « Tous mes utilisateurs », sorted by name. */
  async users(subscriptionId: string): Promise<ManagedUser[]> {
    const memberships = await this.dataSource.getRepository(Membership).find({ where: { subscriptionId } });
    const roles = memberships.length
      ? await this.dataSource.query<Array<{ membership_id: string; code: string; section: string; role: MemberRole }>>(
          `SELECT r.membership_id, p.code, r.section, r.role FROM membership_role r JOIN product p ON p.id = r.product_id
            WHERE r.membership_id = ANY($1)`,
          [memberships.map((m) => m.id)],
        )
      : [];
    const users: ManagedUser[] = [];
    for (const membership of memberships) {
      if (membership.accountId.startsWith(RESERVED)) continue;
      const account = await this.identity.findById(membership.accountId);
      if (!account) continue;
      users.push({
        accountId: account.id,
        familyName: account.familyName ?? '',
        givenName: account.givenName ?? '',
        status: account.status,
        access: roles.filter((r) => r.membership_id === membership.id).map((r) => `${r.code}|${r.section}|${r.role}`),
      });
    }
    return users.sort(
      (a, b) => a.familyName.localeCompare(b.familyName, 'fr') || a.givenName.localeCompare(b.givenName, 'fr'),
    );
  }

  /**
   * « Mes utilisateurs par produit »: per product the subscription covers, the users with a role on it, each with
   * where they are « Lecteur » and « Admin » (the whole product, or the names of its sections).
   */
  async usersByProduct(subscriptionId: string): Promise<ProductUsers[]> {
    const [grid, users] = await Promise.all([
      this.subscriptions.accessGrid(subscriptionId),
      this.users(subscriptionId),
    ]);
    return grid.map((product) => {
      const where = (user: ManagedUser, role: MemberRole): string[] => {
        const mine = user.access
          .map((value) => value.split('|'))
          .filter(([code, , r]) => code === product.code && r === role);
        if (mine.some(([, section]) => section === ''))
          return [renderHere(message('subscriptions:users.wholeProduct'))];
        return product.sections.filter((s) => mine.some(([, section]) => section === s.code)).map((s) => s.name);
      };
      return {
        code: product.code,
        name: product.name,
        users: users
          .map((user) => ({ ...user, reader: where(user, 'reader'), administrator: where(user, 'administrator') }))
          .filter((user) => user.reader.length > 0 || user.administrator.length > 0),
      };
    });
  }

  async user(subscriptionId: string, accountId: string): Promise<ManagedUser> {
    const found = (await this.users(subscriptionId)).find((u) => u.accountId === accountId);
    if (!found) throw notFound();
    return found;
  }

  /**
   * « Créer un utilisateur »: invites the person (`inviteAccount()`: pending until they follow the e-mail and choose
   * their password), or attaches the account that already holds this address and tells its holder by e-mail. The
   * seat is reserved first, under the subscription's row lock, so that concurrent creations never exceed the seats.
   */
  async createUser(
    subscriptionId: string,
    admin: { id: string; name: string; actor?: SubscriptionsActor },
    input: NewUser,
  ): Promise<{ accountId: string; attached: boolean }> {
    const email = input.email.trim().toLowerCase();
    const fields: Record<string, Message> = {};
    const error = (key: string) => message(`subscriptions:users.errors.${key}`);
    if (!EMAIL.test(email) || email.length > 254) fields.email = error('email');
    if (input.civility !== 'madame' && input.civility !== 'monsieur') fields.civility = error('civility');
    if (!input.familyName.trim()) fields.familyName = error('familyName');
    if (!input.givenName.trim()) fields.givenName = error('givenName');
    const grants = parseAccess(input.access);
    if (grants === undefined || grants.length === 0) fields.access = error('access');
    if (Object.keys(fields).length > 0) throw new UserFormError(fields);
    // The JSON API invites on behalf of the publisher: its client is the actor.
    const actor: SubscriptionsActor = admin.actor ?? { type: 'account', id: admin.id };

    const existing = await this.identity.findByEmail(email);
    if (existing) {
      if (await this.dataSource.getRepository(Membership).existsBy({ subscriptionId, accountId: existing.id }))
        throw new UserFormError({ email: message('subscriptions:users.errors.alreadyUser') });
      const subscription = await this.subscriptions.getSubscription(subscriptionId);
      // The notice is queued in the transaction that attaches the account: both or neither.
      await this.subscriptions.setMembership(subscriptionId, existing.id, grants!, actor, (manager) =>
        this.notifications
          .enqueueEmail(manager, {
            to: existing.email,
            locale: existing.locale,
            template: 'subscription-access-granted',
            data: {
              grantedBy: admin.name,
              subscriber: subscription.subscriber,
              products: subscription.products.map((p) => p.name),
              subscriptionsUrl: `${this.config.publicUrl}/compte/abonnements`,
            },
          })
          .then(() => undefined),
      );
      return { accountId: existing.id, attached: true };
    }

    const reservation = await this.subscriptions.reserveSeat(subscriptionId, grants!, `${RESERVED}${randomUUID()}`);
    try {
      const subscription = await this.subscriptions.getSubscription(subscriptionId);
      const account = await this.identity.inviteAccount({
        email,
        civility: input.civility as 'madame' | 'monsieur',
        familyName: input.familyName,
        givenName: input.givenName,
        organisationName: subscription.subscriber,
        invitedBy: { actor, name: admin.name },
      });
      await this.subscriptions.confirmReservation(reservation, account.id, grants!, actor);
      return { accountId: account.id, attached: false };
    } catch (error) {
      await this.subscriptions.releaseReservation(reservation);
      if (error instanceof IdentityError && error.fields)
        throw new UserFormError(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, v[0]])));
      throw error;
    }
  }

  /** Replaces a member's rights (« Lecteur ? » / « Admin ? » per product and section). */
  async updateRights(subscriptionId: string, accountId: string, access: string[], actor: string): Promise<void> {
    await this.user(subscriptionId, accountId);
    const grants = parseAccess(access);
    if (grants === undefined || grants.length === 0)
      throw new UserFormError({ access: message('subscriptions:users.errors.accessToRemove') });
    await this.subscriptions.setMembership(subscriptionId, accountId, grants, { type: 'account', id: actor });
  }

  /** « Renvoyer l’invitation »: a new link for a user of this subscription who has not activated the account yet. */
  async resendInvitation(
    subscriptionId: string,
    accountId: string,
    admin: { id: string; name: string },
  ): Promise<void> {
    const user = await this.user(subscriptionId, accountId);
    if (user.status !== 'pending')
      throw new UserFormError({ resend: message('subscriptions:users.errors.alreadyActivated') });
    await this.identity.resendInvitation(accountId, { actor: { type: 'account', id: admin.id }, name: admin.name });
  }

  /** « Supprimer »: the members leave the subscription (their accounts stay, their sessions on the products end). */
  async removeUsers(subscriptionId: string, accountIds: string[], actor: string): Promise<number> {
    if (accountIds.includes(actor))
      throw new UserFormError({ members: message('subscriptions:users.errors.removeSelf') });
    let removed = 0;
    for (const accountId of new Set(accountIds))
      if (
        !accountId.startsWith(RESERVED) &&
        (await this.subscriptions.removeMembership(subscriptionId, accountId, { type: 'account', id: actor }))
      )
        removed++;
    return removed;
  }

  /** Seats used and total, for the page. */
  async seats(subscriptionId: string): Promise<{ used: number; total: number; subscriber: string }> {
    const subscription = await this.dataSource.getRepository(Subscription).findOneByOrFail({ id: subscriptionId });
    const used = await this.dataSource.getRepository(Membership).countBy({ subscriptionId });
    const reserved = await this.dataSource
      .getRepository(Membership)
      .countBy({ subscriptionId, accountId: Like(`${RESERVED}%`) });
    return { used: used - reserved, total: subscription.seats, subscriber: subscription.subscriber };
  }
}

/** `produit|rubrique|rôle` → grants; `undefined` when a value is malformed (a forged form). */
function parseAccess(values: string[]): RoleGrant[] | undefined {
  const grants: RoleGrant[] = [];
  for (const value of values) {
    const [productCode, section, role, ...rest] = value.split('|');
    if (rest.length > 0 || !productCode || role === undefined || !MEMBER_ROLES.includes(role as MemberRole))
      return undefined;
    grants.push({ productCode, ...(section ? { section } : {}), role: role as MemberRole });
  }
  return grants;
}

function notFound(): SubscriptionsError {
  return new SubscriptionsError(
    SubscriptionsErrorCode.MEMBER_NOT_FOUND,
    'Utilisateur introuvable dans cet abonnement.',
  );
}
