import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ApiCaller } from '../../../platform/api';
import { IdentityService } from '../../identity';
import type { MemberRole } from '../entities/membership-role.entity';
import type { ProductSection } from '../entities/product.entity';
import { SubscriptionsError, SubscriptionsErrorCode } from '../subscriptions.errors';

/**
 * What a publisher's API client may see and act on (docs/adr/0004-subscriptions-api-binding.md):
 * - no binding: the whole catalogue (the publisher's customer service, its order system);
 * - `product:<code>`: that product, and the subscriptions that cover that product only;
 * - any other binding (a firm's, a company's): nothing.
 */
export type PublisherReach = { kind: 'all' } | { kind: 'product'; code: string } | { kind: 'none' };

export function reachOf(caller: ApiCaller): PublisherReach {
  if (!caller.binding) return { kind: 'all' };
  if (caller.binding.kind === 'product') return { kind: 'product', code: caller.binding.id };
  return { kind: 'none' };
}

export interface ProductRow {
  id: string;
  code: string;
  name: string;
  url: string;
  sections: ProductSection[];
  subscription_required: boolean;
  client_ids: string[];
  brand_name: string | null;
  brand_logo_url: string | null;
  brand_primary_color: string | null;
}

export interface MemberView {
  account_id: string;
  /** Null when the account no longer exists (its membership outlived it). */
  email: string | null;
  family_name: string | null;
  given_name: string | null;
  status: string;
  roles: Array<{ product: string; section: string | null; role: MemberRole }>;
  joined_at: string;
}

/** Positions of the lists: a timestamp to the microsecond (as text) and an id. */
const POSITION = `to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const position = (column: string) => POSITION.replace('%s', column);

/**
 * The reads of the publisher API, bounded by the caller's reach: a subscription, product or member outside it is
 * « introuvable », exactly as one that does not exist.
 */
@Injectable()
export class PublisherReachService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
  ) {}

  /** SQL condition: subscription `s` is within reach (`$n` is the bound product's code). */
  private subscriptionCondition(reach: PublisherReach, param: number): string {
    switch (reach.kind) {
      case 'all':
        return 'TRUE';
      case 'none':
        return 'FALSE';
      case 'product':
        return `EXISTS (SELECT 1 FROM subscription_product sp JOIN product p ON p.id = sp.product_id
                         WHERE sp.subscription_id = s.id AND p.code = $${param})
                AND NOT EXISTS (SELECT 1 FROM subscription_product sp JOIN product p ON p.id = sp.product_id
                                 WHERE sp.subscription_id = s.id AND p.code <> $${param})`;
      default: {
        const never: never = reach;
        throw new Error(`portée inconnue ${JSON.stringify(never)}`);
      }
    }
  }

  private reachParams(reach: PublisherReach): string[] {
    return reach.kind === 'product' ? [reach.code] : [];
  }

  /** Throws « introuvable » unless the subscription exists and is within reach. */
  async subscription(reach: PublisherReach, id: string): Promise<void> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM subscription s WHERE s.id = $1 AND ${this.subscriptionCondition(reach, 2)}`,
      [id, ...this.reachParams(reach)],
    );
    if (rows.length === 0)
      throw new SubscriptionsError(SubscriptionsErrorCode.SUBSCRIPTION_NOT_FOUND, `Abonnement « ${id} » introuvable.`);
  }

  /** A page of subscription ids within reach, in order of creation, after `after` (position, id). */
  async subscriptionIds(
    reach: PublisherReach,
    after: readonly [string, string] | undefined,
    limit: number,
    product: string | undefined,
  ): Promise<Array<{ id: string; position: string }>> {
    const params: unknown[] = [limit, ...this.reachParams(reach)];
    const conditions = [this.subscriptionCondition(reach, 2)];
    if (after) {
      params.push(after[0], after[1]);
      const [p, i] = [params.length - 1, params.length];
      conditions.push(`(s.created_at > $${p}::timestamptz OR (s.created_at = $${p}::timestamptz AND s.id > $${i}))`);
    }
    if (product !== undefined) {
      params.push(product);
      conditions.push(`EXISTS (SELECT 1 FROM subscription_product sp JOIN product p ON p.id = sp.product_id
                                WHERE sp.subscription_id = s.id AND p.code = $${params.length})`);
    }
    return this.dataSource.query(
      `SELECT s.id, ${position('s.created_at')} AS position FROM subscription s
        WHERE ${conditions.join(' AND ')} ORDER BY s.created_at, s.id LIMIT $1`,
      params,
    );
  }

  /** Whether the caller may name these products (in a new subscription): the others are « inconnus ». */
  assertProducts(reach: PublisherReach, codes: string[]): void {
    if (reach.kind === 'all') return;
    const outside = codes.find((code) => reach.kind === 'none' || code !== reach.code);
    if (outside !== undefined)
      throw new SubscriptionsError(SubscriptionsErrorCode.PRODUCT_NOT_FOUND, `Produit « ${outside} » inconnu.`);
  }

  /** Products within reach, by code, after `afterCode`; or the one with `id`. */
  async products(
    reach: PublisherReach,
    options: { afterCode?: string; limit: number } | { id: string },
  ): Promise<ProductRow[]> {
    if (reach.kind === 'none') return [];
    const params: unknown[] = [];
    const conditions: string[] = [];
    if (reach.kind === 'product') {
      params.push(reach.code);
      conditions.push(`p.code = $${params.length}`);
    }
    let limit = '';
    if ('id' in options) {
      params.push(options.id);
      conditions.push(`p.id = $${params.length}`);
    } else {
      if (options.afterCode !== undefined) {
        params.push(options.afterCode);
        conditions.push(`p.code > $${params.length}`);
      }
      params.push(options.limit);
      limit = `LIMIT $${params.length}`;
    }
    return this.dataSource.query(
      `SELECT p.id, p.code, p.name, p.url, p.sections, p.subscription_required,
              p.brand_name, p.brand_logo_url, p.brand_primary_color,
              coalesce((SELECT array_agg(pc.client_id ORDER BY pc.client_id) FROM product_client pc
                         WHERE pc.product_id = p.id), '{}') AS client_ids
         FROM product p ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
        ORDER BY p.code ${limit}`,
      params,
    );
  }

  /**
   * Members of a subscription (never the seats held for invitations in progress), in the order they joined, after
   * `after`; or the one whose account is `accountId`.
   */
  async members(
    subscriptionId: string,
    options: { after?: readonly [string, string]; limit: number } | { accountId: string },
  ): Promise<Array<MemberView & { cursor: [string, string] }>> {
    const params: unknown[] = [subscriptionId];
    const conditions = [`m.subscription_id = $1`, `m.account_id NOT LIKE 'reserved:%'`];
    let limit = '';
    if ('accountId' in options) {
      params.push(options.accountId);
      conditions.push(`m.account_id = $${params.length}`);
    } else {
      if (options.after) {
        params.push(options.after[0], options.after[1]);
        const [p, i] = [params.length - 1, params.length];
        conditions.push(`(m.created_at > $${p}::timestamptz OR (m.created_at = $${p}::timestamptz AND m.id > $${i}))`);
      }
      params.push(options.limit);
      limit = `LIMIT $${params.length}`;
    }
    const rows = await this.dataSource.query<
      Array<{ id: string; account_id: string; position: string; roles: MemberView['roles'] }>
    >(
      `SELECT m.id, m.account_id, ${position('m.created_at')} AS position,
              coalesce((SELECT json_agg(json_build_object('product', p.code, 'section', nullif(r.section, ''),
                                                          'role', r.role) ORDER BY p.code, r.section, r.role)
                          FROM membership_role r JOIN product p ON p.id = r.product_id
                         WHERE r.membership_id = m.id), '[]') AS roles
         FROM membership m WHERE ${conditions.join(' AND ')}
        ORDER BY m.created_at, m.id ${limit}`,
      params,
    );
    const members: Array<MemberView & { cursor: [string, string] }> = [];
    for (const row of rows) {
      const account = await this.identity.findById(row.account_id);
      members.push({
        account_id: row.account_id,
        email: account?.email ?? null,
        family_name: account?.familyName ?? null,
        given_name: account?.givenName ?? null,
        status: account?.status ?? 'deleted',
        roles: row.roles,
        joined_at: row.position,
        cursor: [row.position, row.id],
      });
    }
    return members;
  }

  async member(subscriptionId: string, accountId: string): Promise<MemberView> {
    const [found] = await this.members(subscriptionId, { accountId });
    if (!found)
      throw new SubscriptionsError(
        SubscriptionsErrorCode.MEMBER_NOT_FOUND,
        'Utilisateur introuvable dans cet abonnement.',
      );
    const { cursor: _cursor, ...member } = found;
    return member;
  }

  /** The subscription's access codes as stored: the login and when they were issued (never a password). */
  async accessCodes(subscriptionId: string): Promise<{ login: string; issued_at: string } | undefined> {
    const [row] = await this.dataSource.query<Array<{ login: string; issued_at: Date }>>(
      `SELECT login, issued_at FROM access_code WHERE subscription_id = $1`,
      [subscriptionId],
    );
    return row ? { login: row.login, issued_at: row.issued_at.toISOString() } : undefined;
  }
}
