import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AuditService } from '../../platform/audit';
import { DatabaseNotifications } from '../../platform/database/database-notifications';
import { NotifiedCache } from '../../platform/database/notified-cache';
import { t } from '../../platform/i18n/i18n';
import { brandColourProblem, brandLogoProblem, normaliseHexColour, type Brand } from '../../platform/views/branding';
import { AccountAccessPort, IdentityService } from '../identity';
import { Membership } from './entities/membership.entity';
import { MembershipRole, MEMBER_ROLES, type MemberRole } from './entities/membership-role.entity';
import { ProductClient } from './entities/product-client.entity';
import { Product, type ProductSection } from './entities/product.entity';
import { SubscriptionProduct } from './entities/subscription-product.entity';
import { ACCOUNT_MODES, Subscription, type AccountMode } from './entities/subscription.entity';
import { SubscriptionsClock } from './subscriptions.clock';
import { SubscriptionsError, SubscriptionsErrorCode } from './subscriptions.errors';
import { message, render, renderHere, type Message } from './subscriptions.messages';

/** A product's brand on the sign-in pages of its sites (every field optional; the deployment's fills in). */
export interface ProductBrand {
  name?: string;
  logoUrl?: string;
  primaryColor?: string;
}

export interface NewProduct {
  code: string;
  name: string;
  url: string;
  sections?: ProductSection[];
  clientIds?: string[];
  subscriptionRequired?: boolean;
  brand?: ProductBrand;
}

export interface ProductView {
  id: string;
  code: string;
  name: string;
  url: string;
  sections: ProductSection[];
  clientIds: string[];
  subscriptionRequired: boolean;
  brand: { name: string | null; logoUrl: string | null; primaryColor: string | null };
}

export interface NewSubscription {
  subscriber: string;
  /** Product codes, each with the section codes covered (all of them when omitted or empty). */
  products: Array<{ code: string; sections?: string[] }>;
  seats: number;
  startsOn: string;
  endsOn: string;
  accountMode: AccountMode;
}

export interface SubscriptionView {
  id: string;
  subscriber: string;
  seats: number;
  seatsUsed: number;
  startsOn: string;
  endsOn: string;
  accountMode: AccountMode;
  products: Array<{ code: string; name: string; sections: string[] }>;
}

/** A role given on a product, on the whole product (`section` omitted) or on one of its sections. */
export interface RoleGrant {
  productCode: string;
  section?: string;
  role: MemberRole;
}

/** What changing a subscription's mode does, shown to the operator before they confirm. */
export interface ModeChange {
  subscription: SubscriptionView;
  from: AccountMode;
  to: AccountMode;
  /** In French (the command line, the API, the audit trail). */
  consequences: string[];
  /** The same as catalogue messages, for a page in its language. */
  consequenceTexts: Message[];
  applied: boolean;
}

/** An account's active memberships on the product of a client: what the access check and the claim read. */
export interface ProductAccessView {
  product: { code: string; name: string; subscriptionRequired: boolean };
  memberships: Array<{
    subscriptionId: string;
    subscriber: string;
    roles: MemberRole[];
    /** The sections the member has a role on (a role on the whole product covers every section subscribed). */
    sections: string[];
  }>;
}

/** One product of an account's membership, as « Mes produits et statuts » shows it. */
export interface MyProduct {
  code: string;
  name: string;
  url: string;
  /** Roles on the whole product. */
  roles: MemberRole[];
  /** The sections the subscription covers, each with the member's roles there (a whole-product role counts). */
  sections: Array<{ code: string; name: string; roles: MemberRole[] }>;
}

export interface MySubscription {
  subscriptionId: string;
  subscriber: string;
  startsOn: string;
  endsOn: string;
  accountMode: AccountMode;
  /** `active`, `ended`, `upcoming`, or `no-personal-account` (personal accounts give no access in that mode). */
  status: 'active' | 'ended' | 'upcoming' | 'no-personal-account';
  products: MyProduct[];
}

/** Who acts: an operator at the command line (customer service), an account, or a client of the JSON API. */
export type SubscriptionsActor =
  { type: 'operator'; id?: string } | { type: 'account'; id: string } | { type: 'client'; id: string };

/** The modes' names in French (the command line, the API); `modeLabel()` on pages. */
export const MODE_LABELS: Record<AccountMode, string> = {
  'self-declaration': 'auto-déclaration',
  'administrator-managed': 'gestion par administrateur',
  'no-personal-account': 'pas de compte personnel',
};

/** A mode's name in the request's language. */
export function modeLabel(mode: AccountMode): string {
  return renderHere(message(`subscriptions:modes.${mode}`));
}

const PRODUCT_CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SECTION_CODE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const invalid = (text: string) => new SubscriptionsError(SubscriptionsErrorCode.INVALID_INPUT, text);
const invalidText = (text: Message) => SubscriptionsError.of(SubscriptionsErrorCode.INVALID_INPUT, text);

/** The NOTIFY channel of the triggers on `product` and `product_client` (a client id, or `*` for all). */
export const PRODUCT_CHANGED_CHANNEL = 'product_client_changed';

interface ClientProduct {
  id: string;
  code: string;
  name: string;
  subscription_required: boolean;
  sections: ProductSection[];
  brand_name: string | null;
  brand_logo_url: string | null;
  brand_primary_color: string | null;
}

/**
 * A product's brand, checked: the colour at WCAG 2.1 AA against white (`brandColourProblem`), the logo a path of this
 * site or an `https:` address (`brandLogoProblem`). Empty fields are no brand (null).
 */
export function checkedProductBrand(input: ProductBrand | undefined): {
  brandName: string | null;
  brandLogoUrl: string | null;
  brandPrimaryColor: string | null;
} {
  const name = input?.name?.trim() || null;
  if (name && name.length > 200) throw invalid(t('brand:product.nameInvalid'));
  const logo = input?.logoUrl?.trim() || null;
  if (logo) {
    const problem = logo.length > 2000 ? `${logo.slice(0, 40)}…` : brandLogoProblem(logo);
    if (problem) throw invalid(t('brand:product.logoRefused', { problem }));
  }
  const rawColour = input?.primaryColor?.trim() || null;
  if (rawColour) {
    const problem = brandColourProblem(rawColour);
    if (problem) throw invalid(t('brand:product.colourRefused', { problem }));
  }
  return {
    brandName: name,
    brandLogoUrl: logo,
    brandPrimaryColor: rawColour ? (normaliseHexColour(rawColour) ?? null) : null,
  };
}

/** Today's date in Paris (`YYYY-MM-DD`): subscriptions start and end on calendar days of the publisher. */
export function parisDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(at);
}

function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Products, subscriptions and memberships: the module's use cases. Products and subscriptions are customer service's
 * (the command line); memberships are what the access check and the claims read.
 */
@Injectable()
export class SubscriptionsService {
  /**
   * The product each client belongs to (or none: most sites are no product's), read at every sign-in, token and
   * userinfo by the access check; dropped on every instance when `product` or `product_client` changes (the trigger of
   * migration `subscriptions-product-change-notify`).
   */
  private readonly productOfClient: NotifiedCache<ClientProduct | undefined>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: SubscriptionsClock,
    private readonly accountAccess: AccountAccessPort,
    private readonly identity: IdentityService,
    notifications: DatabaseNotifications,
  ) {
    this.productOfClient = new NotifiedCache(notifications, PRODUCT_CHANGED_CHANNEL, {
      ttlMs: 60_000,
      maxEntries: 1000,
    });
  }

  /** The product a client belongs to (kept in memory, dropped on every change: see `productOfClient`). */
  private async productOfClientRow(clientId: string): Promise<ClientProduct | undefined> {
    return this.productOfClient.get(clientId, async () => {
      const [row] = await this.dataSource.query<ClientProduct[]>(
        `SELECT p.id, p.code, p.name, p.subscription_required, p.sections,
                p.brand_name, p.brand_logo_url, p.brand_primary_color
           FROM product_client pc JOIN product p ON p.id = pc.product_id
          WHERE pc.client_id = $1`,
        [clientId],
      );
      return row;
    });
  }

  /**
   * The brand of the product a client belongs to, for the header of that site's sign-in pages; `undefined` when the
   * client is no product's or its product has no brand. Read from memory (the product of each client is kept).
   */
  async brandOfClient(clientId: string): Promise<Brand | undefined> {
    const product = await this.productOfClientRow(clientId);
    if (!product) return undefined;
    const brand: Brand = {
      ...(product.brand_name ? { name: product.brand_name } : {}),
      ...(product.brand_logo_url ? { logoUrl: product.brand_logo_url } : {}),
      ...(product.brand_primary_color ? { primaryColor: product.brand_primary_color } : {}),
    };
    return Object.keys(brand).length > 0 ? brand : undefined;
  }

  /**
   * The product a client belongs to, and the account's memberships that give access to it today: the subscription
   * has started and not ended, its mode allows personal accounts, and the member has a role on this product.
   * `undefined` when the client is no product's. One indexed query (the client's product is kept in memory): it runs on
   * each sign-in to each site, at the token endpoint and at userinfo.
   */
  async productAccess(clientId: string, accountId: string): Promise<ProductAccessView | undefined> {
    const product = await this.productOfClientRow(clientId);
    if (!product) return undefined;
    const rows = await this.dataSource.query<
      Array<{ subscription_id: string; subscriber: string; covered: string[]; section: string; role: MemberRole }>
    >(
      `SELECT s.id AS subscription_id, s.subscriber, sp.sections AS covered, r.section, r.role
         FROM membership m
         JOIN subscription s ON s.id = m.subscription_id
         JOIN subscription_product sp ON sp.subscription_id = s.id AND sp.product_id = $2
         JOIN membership_role r ON r.membership_id = m.id AND r.product_id = $2
        WHERE m.account_id = $1 AND s.starts_on <= $3 AND s.ends_on >= $3
          AND s.account_mode <> 'no-personal-account'
        ORDER BY s.created_at, s.id`,
      [accountId, product.id, parisDate(this.clock.now())],
    );
    const memberships: ProductAccessView['memberships'] = [];
    for (const row of rows) {
      let entry = memberships.find((m) => m.subscriptionId === row.subscription_id);
      if (!entry) {
        entry = { subscriptionId: row.subscription_id, subscriber: row.subscriber, roles: [], sections: [] };
        memberships.push(entry);
      }
      if (!entry.roles.includes(row.role)) entry.roles.push(row.role);
      const subscribed = row.covered.length > 0 ? row.covered : product.sections.map((s) => s.code);
      for (const section of row.section ? [row.section] : subscribed)
        if (!entry.sections.includes(section)) entry.sections.push(section);
    }
    for (const entry of memberships) {
      entry.roles.sort((a, b) => MEMBER_ROLES.indexOf(a) - MEMBER_ROLES.indexOf(b));
      const order = product.sections.map((s) => s.code);
      entry.sections.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    }
    return {
      product: { code: product.code, name: product.name, subscriptionRequired: product.subscription_required },
      memberships,
    };
  }

  /**
   * What a shared session (the subscription's access codes) reaches on a client: the client's product, and the
   * subscription when it covers that product and is running today (whatever its mode: in « pas de compte personnel »
   * the codes are the only way in). The whole product, as a reader, on every section the subscription covers.
   * `undefined` when the client is no product's.
   */
  async sharedProductAccess(
    clientId: string,
    subscriptionId: string | undefined,
  ): Promise<ProductAccessView | undefined> {
    const [row] = await this.dataSource.query<
      Array<{
        code: string;
        name: string;
        subscription_required: boolean;
        sections: ProductSection[];
        subscription_id: string | null;
        subscriber: string | null;
        covered: string[] | null;
      }>
    >(
      `SELECT p.code, p.name, p.subscription_required, p.sections, s.id AS subscription_id, s.subscriber,
              sp.sections AS covered
         FROM product_client pc JOIN product p ON p.id = pc.product_id
         LEFT JOIN subscription_product sp ON sp.product_id = p.id AND sp.subscription_id = $2
         LEFT JOIN subscription s ON s.id = sp.subscription_id AND s.starts_on <= $3 AND s.ends_on >= $3
        WHERE pc.client_id = $1`,
      [clientId, subscriptionId ?? null, parisDate(this.clock.now())],
    );
    if (!row) return undefined;
    const all = row.sections.map((section) => section.code);
    return {
      product: { code: row.code, name: row.name, subscriptionRequired: row.subscription_required },
      memberships:
        row.subscription_id && row.subscriber && row.covered
          ? [
              {
                subscriptionId: row.subscription_id,
                subscriber: row.subscriber,
                roles: ['reader'],
                sections: row.covered.length > 0 ? all.filter((code) => row.covered!.includes(code)) : all,
              },
            ]
          : [],
    };
  }

  async addProduct(input: NewProduct, actor: SubscriptionsActor = { type: 'operator' }): Promise<ProductView> {
    const code = input.code.trim();
    if (!PRODUCT_CODE.test(code))
      throw invalid(
        `Code de produit « ${code} » invalide : lettres minuscules, chiffres et tirets, 64 caractères au plus.`,
      );
    const name = input.name.trim();
    if (!name || name.length > 200) throw invalid('Le nom du produit est obligatoire (200 caractères au plus).');
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw invalid(`Adresse du produit « ${input.url} » invalide : donnez une adresse complète (https://…).`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalid(`Adresse du produit « ${input.url} » invalide : elle doit commencer par https:// ou http://.`);
    const sections = input.sections ?? [];
    const seen = new Set<string>();
    for (const section of sections) {
      if (!SECTION_CODE.test(section.code))
        throw invalid(`Code de rubrique « ${section.code} » invalide : lettres minuscules, chiffres et tirets.`);
      if (seen.has(section.code)) throw invalid(`La rubrique « ${section.code} » est donnée deux fois.`);
      if (!section.name.trim()) throw invalid(`La rubrique « ${section.code} » n’a pas de nom.`);
      seen.add(section.code);
    }
    const brand = checkedProductBrand(input.brand);
    const clientIds = [...new Set(input.clientIds ?? [])];
    const added = await this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(Product, { code }))
        throw new SubscriptionsError(
          SubscriptionsErrorCode.PRODUCT_CODE_TAKEN,
          `Un produit porte déjà le code « ${code} ».`,
        );
      const taken = await manager.findBy(ProductClient, { clientId: In(clientIds) });
      if (taken.length > 0)
        throw new SubscriptionsError(
          SubscriptionsErrorCode.CLIENT_TAKEN,
          `Le client « ${taken[0].clientId} » appartient déjà à un autre produit.`,
        );
      const product = await manager.save(
        manager.create(Product, {
          code,
          name,
          url: url.toString(),
          sections: sections.map((s) => ({ code: s.code, name: s.name.trim() })),
          subscriptionRequired: input.subscriptionRequired ?? true,
          ...brand,
        }),
      );
      await manager.insert(
        ProductClient,
        clientIds.map((clientId) => ({ clientId, productId: product.id })),
      );
      await this.audit.record(
        {
          actor,
          action: 'subscriptions.product.added',
          target: { type: 'product', id: product.id },
          outcome: 'success',
          details: { code, clientIds },
        },
        manager,
      );
      return this.productView(product, clientIds);
    });
    // Every instance hears it from the trigger; this one must not wait for the notification.
    for (const clientId of clientIds) this.productOfClient.forget(clientId);
    return added;
  }

  /**
   * Gives a product its brand (or takes it away: empty fields), as customer service does at the command line. Every
   * instance drops what it kept of the product's clients (the trigger on `product`).
   */
  async setProductBrand(
    code: string,
    input: ProductBrand,
    actor: SubscriptionsActor = { type: 'operator' },
  ): Promise<ProductView> {
    const brand = checkedProductBrand(input);
    const updated = await this.dataSource.transaction(async (manager) => {
      const product = await manager.findOneBy(Product, { code: code.trim() });
      if (!product)
        throw new SubscriptionsError(
          SubscriptionsErrorCode.PRODUCT_NOT_FOUND,
          `Aucun produit ne porte le code « ${code} ».`,
        );
      const before = {
        name: product.brandName,
        logoUrl: product.brandLogoUrl,
        primaryColor: product.brandPrimaryColor,
      };
      Object.assign(product, brand);
      await manager.save(product);
      await this.audit.record(
        {
          actor,
          action: 'subscriptions.product.brand-changed',
          target: { type: 'product', id: product.id },
          outcome: 'success',
          details: {
            before,
            after: { name: brand.brandName, logoUrl: brand.brandLogoUrl, primaryColor: brand.brandPrimaryColor },
          },
        },
        manager,
      );
      const clients = await manager.findBy(ProductClient, { productId: product.id });
      return this.productView(product, clients.map((c) => c.clientId).sort());
    });
    for (const clientId of updated.clientIds) this.productOfClient.forget(clientId);
    return updated;
  }

  async listProducts(): Promise<ProductView[]> {
    const products = await this.dataSource.getRepository(Product).find({ order: { code: 'ASC' } });
    const clients = await this.dataSource.getRepository(ProductClient).find({ order: { clientId: 'ASC' } });
    return products.map((p) =>
      this.productView(
        p,
        clients.filter((c) => c.productId === p.id).map((c) => c.clientId),
      ),
    );
  }

  async addSubscription(
    input: NewSubscription,
    actor: SubscriptionsActor = { type: 'operator' },
  ): Promise<SubscriptionView> {
    const subscriber = input.subscriber.trim();
    if (!subscriber || subscriber.length > 200)
      throw invalid('Le nom de l’abonné est obligatoire (200 caractères au plus).');
    if (!Number.isInteger(input.seats) || input.seats < 1 || input.seats > 100_000)
      throw invalid('Le nombre de places doit être un nombre entier entre 1 et 100 000.');
    for (const [label, value] of [
      ['début', input.startsOn],
      ['fin', input.endsOn],
    ])
      if (!isRealDate(value)) throw invalid(`Date de ${label} « ${value} » invalide : attendue au format AAAA-MM-JJ.`);
    if (input.endsOn < input.startsOn) throw invalid('La date de fin précède la date de début.');
    if (!ACCOUNT_MODES.includes(input.accountMode)) throw invalid(modeError(input.accountMode));
    if (input.products.length === 0) throw invalid('Un abonnement porte sur au moins un produit.');
    return this.dataSource.transaction(async (manager) => {
      const products = await this.productsByCode(
        manager,
        input.products.map((p) => p.code),
      );
      const subscription = await manager.save(
        manager.create(Subscription, {
          subscriber,
          seats: input.seats,
          startsOn: input.startsOn,
          endsOn: input.endsOn,
          accountMode: input.accountMode,
        }),
      );
      for (const wanted of input.products) {
        const product = products.get(wanted.code)!;
        const sections = [...new Set(wanted.sections ?? [])];
        for (const section of sections)
          if (!product.sections.some((s) => s.code === section))
            throw invalid(`Le produit « ${product.code} » n’a pas de rubrique « ${section} ».`);
        await manager.insert(SubscriptionProduct, { subscriptionId: subscription.id, productId: product.id, sections });
      }
      await this.audit.record(
        {
          actor,
          action: 'subscriptions.subscription.added',
          target: { type: 'subscription', id: subscription.id },
          outcome: 'success',
          details: { products: input.products.map((p) => p.code), seats: input.seats, accountMode: input.accountMode },
        },
        manager,
      );
      return this.view(manager, subscription);
    });
  }

  async listSubscriptions(): Promise<SubscriptionView[]> {
    const manager = this.dataSource.manager;
    const subscriptions = await manager.find(Subscription, { order: { subscriber: 'ASC', createdAt: 'ASC' } });
    const views: SubscriptionView[] = [];
    for (const subscription of subscriptions) views.push(await this.view(manager, subscription));
    return views;
  }

  async getSubscription(id: string): Promise<SubscriptionView> {
    return this.view(this.dataSource.manager, await this.findSubscription(this.dataSource.manager, id));
  }

  /**
   * The operators' console: subscriptions whose subscriber contains `text` (any case, any accents typed as such), by
   * subscriber; at most `limit`. An empty text lists the first ones.
   */
  async searchSubscriptions(text: string, limit = 50): Promise<SubscriptionView[]> {
    const manager = this.dataSource.manager;
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const subscriptions = await manager
      .createQueryBuilder(Subscription, 's')
      .where(`s.subscriber ILIKE :pattern ESCAPE '\\'`, { pattern })
      .orderBy('s.subscriber', 'ASC')
      .addOrderBy('s.createdAt', 'ASC')
      .limit(limit)
      .getMany();
    const views: SubscriptionView[] = [];
    for (const subscription of subscriptions) views.push(await this.view(manager, subscription));
    return views;
  }

  /**
   * Changes the account-management mode, an operator's action (the seed's note #2: customer service). Without
   * `confirm`, changes nothing and says what would happen; with it, applies the change and records it in the audit
   * trail with the consequences shown.
   */
  async setMode(
    id: string,
    to: AccountMode,
    options: { confirm: boolean; actor?: SubscriptionsActor },
  ): Promise<ModeChange> {
    if (!ACCOUNT_MODES.includes(to)) throw invalid(modeError(to));
    const change = await this.dataSource.transaction(async (manager) => {
      const subscription = await this.findSubscription(manager, id, true);
      const from = subscription.accountMode;
      const consequenceTexts = await this.modeConsequences(manager, subscription, to);
      const consequences = consequenceTexts.map((text) => render(text));
      if (!options.confirm || from === to)
        return {
          subscription: await this.view(manager, subscription),
          from,
          to,
          consequences,
          consequenceTexts,
          applied: false,
        };
      subscription.accountMode = to;
      await manager.save(subscription);
      await this.audit.record(
        {
          actor: options.actor ?? { type: 'operator' },
          action: 'subscriptions.mode.changed',
          target: { type: 'subscription', id },
          outcome: 'success',
          details: { before: { accountMode: from }, after: { accountMode: to }, from, to, consequences },
        },
        manager,
      );
      return {
        subscription: await this.view(manager, subscription),
        from,
        to,
        consequences,
        consequenceTexts,
        applied: true,
      };
    });
    // « Pas de compte personnel »: the members' sessions on the products end now (grants and tokens revoked, on the
    // clients no other subscription still opens to them), not only at their next sign-in.
    if (change.applied && to === 'no-personal-account') await this.revokeMembersOnProducts(id);
    return change;
  }

  private async revokeMembersOnProducts(subscriptionId: string): Promise<void> {
    const rows = await this.dataSource.query<Array<{ account_id: string; client_id: string }>>(
      `SELECT DISTINCT m.account_id, pc.client_id FROM membership m
         JOIN membership_role r ON r.membership_id = m.id
         JOIN product_client pc ON pc.product_id = r.product_id
        WHERE m.subscription_id = $1 AND m.account_id NOT LIKE 'reserved:%'`,
      [subscriptionId],
    );
    for (const { account_id: accountId, client_id: clientId } of rows) {
      const access = await this.productAccess(clientId, accountId);
      if (access && access.product.subscriptionRequired && access.memberships.length === 0)
        await this.accountAccess.revokeSite(accountId, clientId);
    }
  }

  /**
   * Makes an account a member of a subscription with these roles (or replaces its roles), within the seats. The
   * subscription's row is locked while seats are counted, so that concurrent additions never exceed them.
   */
  async setMembership(
    subscriptionId: string,
    accountId: string,
    grants: RoleGrant[],
    actor: SubscriptionsActor = { type: 'operator' },
    alongside?: (manager: EntityManager) => Promise<void>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const subscription = await this.findSubscription(manager, subscriptionId, true);
      const rows = await this.grantRows(manager, subscriptionId, grants);
      let membership = await manager.findOneBy(Membership, { subscriptionId, accountId });
      if (!membership) {
        const used = await manager.countBy(Membership, { subscriptionId });
        if (used >= subscription.seats)
          throw SubscriptionsError.of(
            SubscriptionsErrorCode.SEATS_EXHAUSTED,
            message('subscriptions:errors.seatsExhausted', { seats: subscription.seats }),
          );
        membership = await manager.save(manager.create(Membership, { subscriptionId, accountId }));
      }
      await manager.delete(MembershipRole, { membershipId: membership.id });
      if (rows.length > 0)
        await manager.insert(
          MembershipRole,
          rows.map((r) => ({ ...r, membershipId: membership.id })),
        );
      await this.audit.record(
        {
          actor,
          action: 'subscriptions.membership.changed',
          target: { type: 'subscription', id: subscriptionId },
          outcome: 'success',
          details: { accountId, grants: grants.map((g) => `${g.productCode}/${g.section ?? '*'}/${g.role}`) },
        },
        manager,
      );
      await alongside?.(manager);
    });
  }

  /**
   * Holds a seat for a person about to be invited (`placeholder` stands for the account until it exists), after
   * checking the grants: under the subscription's row lock, like `setMembership`. Returns the membership's id.
   */
  async reserveSeat(subscriptionId: string, grants: RoleGrant[], placeholder: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const subscription = await this.findSubscription(manager, subscriptionId, true);
      await this.grantRows(manager, subscriptionId, grants);
      if ((await manager.countBy(Membership, { subscriptionId })) >= subscription.seats)
        throw SubscriptionsError.of(
          SubscriptionsErrorCode.SEATS_EXHAUSTED,
          message('subscriptions:errors.seatsExhausted', { seats: subscription.seats }),
        );
      return (await manager.save(manager.create(Membership, { subscriptionId, accountId: placeholder }))).id;
    });
  }

  /**
   * Holds a seat with its roles in the caller's transaction, for an account that exists but is not activated yet (a
   * self-declared account): `placeholder` stands for it until `takeReservedSeats()`. Under the subscription's row lock.
   */
  async reserveSeatWithin(
    manager: EntityManager,
    subscriptionId: string,
    grants: RoleGrant[],
    placeholder: string,
  ): Promise<void> {
    const subscription = await this.findSubscription(manager, subscriptionId, true);
    const rows = await this.grantRows(manager, subscriptionId, grants);
    if ((await manager.countBy(Membership, { subscriptionId })) >= subscription.seats)
      throw SubscriptionsError.of(
        SubscriptionsErrorCode.SEATS_EXHAUSTED,
        message('subscriptions:errors.seatsExhaustedContact', { seats: subscription.seats }),
      );
    const membership = await manager.save(manager.create(Membership, { subscriptionId, accountId: placeholder }));
    await manager.insert(
      MembershipRole,
      rows.map((r) => ({ ...r, membershipId: membership.id })),
    );
  }

  /** The seats held for `placeholder` become the account's memberships (it was activated). Returns the subscriptions. */
  async takeReservedSeats(placeholder: string, accountId: string, actor: SubscriptionsActor): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const [taken] = await manager.query<[Array<{ subscription_id: string }>, number]>(
        'UPDATE membership SET account_id = $1 WHERE account_id = $2 RETURNING subscription_id',
        [accountId, placeholder],
      );
      for (const { subscription_id } of taken)
        await this.audit.record(
          {
            actor,
            action: 'subscriptions.membership.changed',
            target: { type: 'subscription', id: subscription_id },
            outcome: 'success',
            details: { accountId, via: 'self-declaration' },
          },
          manager,
        );
      return taken.map((row) => row.subscription_id);
    });
  }

  /** Gives back the seats held for `placeholder` (the account was deleted before it was activated). */
  async releaseReservedSeats(placeholder: string): Promise<void> {
    await this.dataSource.getRepository(Membership).delete({ accountId: placeholder });
  }

  /** The invited account takes its reserved seat, with its roles. */
  async confirmReservation(
    membershipId: string,
    accountId: string,
    grants: RoleGrant[],
    actor: SubscriptionsActor,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const membership = await manager.findOneByOrFail(Membership, { id: membershipId });
      const rows = await this.grantRows(manager, membership.subscriptionId, grants);
      await manager.update(Membership, { id: membershipId }, { accountId });
      await manager.insert(
        MembershipRole,
        rows.map((r) => ({ ...r, membershipId })),
      );
      await this.audit.record(
        {
          actor,
          action: 'subscriptions.membership.changed',
          target: { type: 'subscription', id: membership.subscriptionId },
          outcome: 'success',
          details: { accountId, grants: grants.map((g) => `${g.productCode}/${g.section ?? '*'}/${g.role}`) },
        },
        manager,
      );
    });
  }

  /** Gives back a reserved seat (the invitation failed). */
  async releaseReservation(membershipId: string): Promise<void> {
    await this.dataSource.getRepository(Membership).delete({ id: membershipId });
  }

  /**
   * Ends an account's membership (the account itself stays). Its grants and tokens on the subscription's products
   * are then revoked, on the clients it no longer has access to by another subscription: its sessions on those
   * products end. Returns whether it was a member.
   */
  async removeMembership(
    subscriptionId: string,
    accountId: string,
    actor: SubscriptionsActor = { type: 'operator' },
  ): Promise<boolean> {
    const clientIds = await this.dataSource.transaction(async (manager) => {
      const membership = await manager.findOneBy(Membership, { subscriptionId, accountId });
      if (!membership) return undefined;
      const clients = await manager.query<Array<{ client_id: string }>>(
        `SELECT DISTINCT pc.client_id FROM membership_role r JOIN product_client pc ON pc.product_id = r.product_id
          WHERE r.membership_id = $1`,
        [membership.id],
      );
      // Another caller may have removed it meanwhile (the expiry job on two instances): only one removal counts.
      if (!(await manager.delete(Membership, { id: membership.id })).affected) return undefined;
      await this.audit.record(
        {
          actor,
          action: 'subscriptions.membership.removed',
          target: { type: 'subscription', id: subscriptionId },
          outcome: 'success',
          details: { accountId },
        },
        manager,
      );
      return clients.map((c) => c.client_id);
    });
    if (!clientIds) return false;
    for (const clientId of clientIds) {
      const access = await this.productAccess(clientId, accountId);
      if (access && access.product.subscriptionRequired && access.memberships.length === 0)
        await this.accountAccess.revokeSite(accountId, clientId);
    }
    return true;
  }

  /** The products and sections of a subscription, with their names: the rows of « ② Accès ». */
  async accessGrid(subscriptionId: string): Promise<Array<{ code: string; name: string; sections: ProductSection[] }>> {
    const subscription = await this.getSubscription(subscriptionId);
    const products = await this.listProducts();
    return subscription.products.map((covered) => {
      const product = products.find((p) => p.code === covered.code)!;
      return {
        code: product.code,
        name: product.name,
        sections: product.sections.filter((s) => covered.sections.length === 0 || covered.sections.includes(s.code)),
      };
    });
  }

  /** Whether the account is a member of any subscription (the « Mes abonnements » menu entry). */
  async isMember(accountId: string): Promise<boolean> {
    return this.dataSource.getRepository(Membership).existsBy({ accountId });
  }

  /** The account's memberships, with per product and section its roles: « Mes produits et statuts ». */
  async mySubscriptions(accountId: string): Promise<MySubscription[]> {
    const manager = this.dataSource.manager;
    const memberships = await manager.findBy(Membership, { accountId });
    if (memberships.length === 0) return [];
    const subscriptions = await manager.find(Subscription, {
      where: { id: In(memberships.map((m) => m.subscriptionId)) },
      order: { subscriber: 'ASC', createdAt: 'ASC' },
    });
    const covered = await manager.findBy(SubscriptionProduct, { subscriptionId: In(subscriptions.map((s) => s.id)) });
    const products = await manager.findBy(Product, { id: In(covered.map((c) => c.productId)) });
    const roles = await manager.findBy(MembershipRole, { membershipId: In(memberships.map((m) => m.id)) });
    const today = parisDate(this.clock.now());
    return subscriptions.map((subscription) => {
      const membership = memberships.find((m) => m.subscriptionId === subscription.id)!;
      const mine = roles.filter((r) => r.membershipId === membership.id);
      const status: MySubscription['status'] =
        subscription.accountMode === 'no-personal-account'
          ? 'no-personal-account'
          : today < subscription.startsOn
            ? 'upcoming'
            : today > subscription.endsOn
              ? 'ended'
              : 'active';
      const byOrder = (a: MemberRole, b: MemberRole) => MEMBER_ROLES.indexOf(a) - MEMBER_ROLES.indexOf(b);
      return {
        subscriptionId: subscription.id,
        subscriber: subscription.subscriber,
        startsOn: subscription.startsOn,
        endsOn: subscription.endsOn,
        accountMode: subscription.accountMode,
        status,
        products: covered
          .filter((c) => c.subscriptionId === subscription.id)
          .map((c) => products.find((p) => p.id === c.productId)!)
          .sort((a, b) => a.name.localeCompare(b.name, 'fr'))
          .map((product) => {
            const onProduct = mine.filter((r) => r.productId === product.id);
            const whole = onProduct.filter((r) => r.section === '').map((r) => r.role);
            const sectionCodes = covered.find(
              (c) => c.subscriptionId === subscription.id && c.productId === product.id,
            )!.sections;
            return {
              code: product.code,
              name: product.name,
              url: product.url,
              roles: [...whole].sort(byOrder),
              sections: product.sections
                .filter((s) => sectionCodes.length === 0 || sectionCodes.includes(s.code))
                .map((s) => ({
                  code: s.code,
                  name: s.name,
                  roles: [
                    ...new Set([...whole, ...onProduct.filter((r) => r.section === s.code).map((r) => r.role)]),
                  ].sort(byOrder),
                })),
            };
          })
          .filter((p) => p.roles.length > 0 || p.sections.some((s) => s.roles.length > 0)),
      };
    });
  }

  /** Checks grants against what the subscription covers; returns the role rows to store. */
  private async grantRows(
    manager: EntityManager,
    subscriptionId: string,
    grants: RoleGrant[],
  ): Promise<Array<Pick<MembershipRole, 'productId' | 'section' | 'role'>>> {
    const covered = await manager.findBy(SubscriptionProduct, { subscriptionId });
    const products = await manager.findBy(Product, { id: In(covered.map((c) => c.productId)) });
    const rows: Array<Omit<MembershipRole, 'membershipRow' | 'productRow' | 'membershipId'>> = [];
    for (const grant of grants) {
      const product = products.find((p) => p.code === grant.productCode);
      if (!product)
        throw invalidText(message('subscriptions:errors.productNotCovered', { product: grant.productCode }));
      const coveredSections = covered.find((c) => c.productId === product.id)!.sections;
      const section = grant.section ?? '';
      if (
        section &&
        !(coveredSections.length === 0 ? product.sections.map((s) => s.code) : coveredSections).includes(section)
      )
        throw invalidText(message('subscriptions:errors.sectionNotCovered', { section }));
      if (!MEMBER_ROLES.includes(grant.role))
        throw invalidText(message('subscriptions:errors.unknownRole', { role: String(grant.role) }));
      if (!rows.some((r) => r.productId === product.id && r.section === section && r.role === grant.role))
        rows.push({ productId: product.id, section, role: grant.role });
    }
    return rows;
  }

  /**
   * What changing the mode does, as catalogue messages, computed from the subscription's data: who loses or regains
   * access, who the administrators are, what stops (« Créer mon compte », « Gérer mes utilisateurs »), the access
   * codes, the seats.
   */
  private async modeConsequences(
    manager: EntityManager,
    subscription: Subscription,
    to: AccountMode,
  ): Promise<Message[]> {
    const from = subscription.accountMode;
    const mode = (m: AccountMode) => message(`subscriptions:modes.${m}`);
    if (from === to) return [message('subscriptions:consequences.unchanged', { mode: mode(to) })];
    const seatsUsed = await manager.countBy(Membership, { subscriptionId: subscription.id });
    const [counts] = await manager.query<Array<{ members: number; pending: number; codes: boolean }>>(
      `SELECT count(*) FILTER (WHERE account_id NOT LIKE 'reserved:%')::int AS members,
              count(*) FILTER (WHERE account_id LIKE 'reserved:%')::int AS pending,
              EXISTS (SELECT 1 FROM access_code c WHERE c.subscription_id = $1) AS codes
         FROM membership WHERE subscription_id = $1`,
      [subscription.id],
    );
    const administratorIds = await manager.query<Array<{ account_id: string }>>(
      `SELECT DISTINCT m.account_id FROM membership m
         JOIN membership_role r ON r.membership_id = m.id AND r.role = 'administrator'
        WHERE m.subscription_id = $1 AND m.account_id NOT LIKE 'reserved:%' ORDER BY m.account_id`,
      [subscription.id],
    );
    const administrators: string[] = [];
    for (const { account_id: accountId } of administratorIds) {
      const account = await this.identity.findById(accountId);
      if (!account) continue;
      const name = [account.givenName, account.familyName].filter(Boolean).join(' ');
      administrators.push(name ? `${name} (${account.email})` : account.email);
    }
    const members = counts.members;
    const regain = message('subscriptions:consequences.regain', { count: members });
    const codes = message(
      counts.codes ? 'subscriptions:consequences.codesValid' : 'subscriptions:consequences.codesMissing',
    );
    const out = [message('subscriptions:consequences.fromTo', { from: mode(from), to: mode(to) })];
    switch (to) {
      case 'no-personal-account':
        out.push(
          message('subscriptions:consequences.lose', { count: members }),
          message('subscriptions:consequences.codesOnly', { codes }),
        );
        if (from === 'administrator-managed') out.push(message('subscriptions:consequences.manageStopsOffered'));
        else out.push(message('subscriptions:consequences.createStopsOffered'));
        break;
      case 'self-declaration':
        out.push(message('subscriptions:consequences.eachCreates', { codes }));
        if (from === 'administrator-managed')
          out.push(
            administrators.length === 0
              ? message('subscriptions:consequences.manageStopsNoAdmin')
              : message('subscriptions:consequences.manageStops', { administrators: administrators.join(', ') }),
          );
        else out.push(regain);
        break;
      case 'administrator-managed':
        out.push(
          message('subscriptions:consequences.adminsOnly'),
          administrators.length === 0
            ? message('subscriptions:consequences.noAdministrator')
            : message('subscriptions:consequences.administrators', { administrators: administrators.join(', ') }),
        );
        if (from === 'self-declaration') {
          out.push(message('subscriptions:consequences.createStops'));
          if (counts.pending > 0) out.push(message('subscriptions:consequences.pending', { count: counts.pending }));
        } else out.push(regain);
        break;
      default: {
        const never: never = to;
        throw new Error(`mode inconnu ${String(never)}`);
      }
    }
    out.push(message('subscriptions:consequences.seats', { used: seatsUsed, total: subscription.seats }));
    return out;
  }

  private async productsByCode(manager: EntityManager, codes: string[]): Promise<Map<string, Product>> {
    const unique = [...new Set(codes)];
    if (unique.length !== codes.length) throw invalid('Un même produit est donné deux fois.');
    const products = await manager.findBy(Product, { code: In(unique) });
    const byCode = new Map(products.map((p) => [p.code, p]));
    const missing = unique.find((code) => !byCode.has(code));
    if (missing)
      throw new SubscriptionsError(SubscriptionsErrorCode.PRODUCT_NOT_FOUND, `Produit « ${missing} » inconnu.`);
    return byCode;
  }

  private async findSubscription(manager: EntityManager, id: string, lock = false): Promise<Subscription> {
    const notFound = new SubscriptionsError(
      SubscriptionsErrorCode.SUBSCRIPTION_NOT_FOUND,
      `Abonnement « ${id} » introuvable.`,
    );
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw notFound;
    const subscription = await manager.findOne(Subscription, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!subscription) throw notFound;
    return subscription;
  }

  private async view(manager: EntityManager, subscription: Subscription): Promise<SubscriptionView> {
    const covered = await manager.findBy(SubscriptionProduct, { subscriptionId: subscription.id });
    const products = covered.length ? await manager.findBy(Product, { id: In(covered.map((c) => c.productId)) }) : [];
    return {
      id: subscription.id,
      subscriber: subscription.subscriber,
      seats: subscription.seats,
      seatsUsed: await manager.countBy(Membership, { subscriptionId: subscription.id }),
      startsOn: subscription.startsOn,
      endsOn: subscription.endsOn,
      accountMode: subscription.accountMode,
      products: covered
        .map((c) => {
          const product = products.find((p) => p.id === c.productId)!;
          return { code: product.code, name: product.name, sections: c.sections };
        })
        .sort((a, b) => a.code.localeCompare(b.code)),
    };
  }

  private productView(product: Product, clientIds: string[]): ProductView {
    return {
      id: product.id,
      code: product.code,
      name: product.name,
      url: product.url,
      sections: product.sections,
      clientIds,
      subscriptionRequired: product.subscriptionRequired,
      brand: { name: product.brandName, logoUrl: product.brandLogoUrl, primaryColor: product.brandPrimaryColor },
    };
  }
}

function modeError(mode: string): string {
  return `Mode « ${mode} » inconnu : auto-declaration, gestion-administrateur ou sans-compte (ou ${ACCOUNT_MODES.join(', ')}).`;
}
