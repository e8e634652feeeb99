import type { DatabaseNotifications } from './database-notifications';

/** How long an entry is served at most, and how many are kept (the oldest read goes first). */
export interface NotifiedCacheLimits {
  ttlMs: number;
  maxEntries: number;
}

/**
 * What a hot path reads again and again (a client's metadata, the product a client belongs to), kept in memory and
 * dropped by every instance at once when the data changes: a trigger on the table sends `NOTIFY <channel>, '<key>'`
 * at the commit of any change, whoever makes it (`'*'`: drop everything); this process's own writes call `forget()`
 * before they return. An entry lives `ttlMs` at most (a bound, should a notification be lost). While notifications
 * cannot be received (the listening connection is lost or being reopened), nothing is served from memory; a read that
 * began before an invalidation is not kept. See `DatabaseNotifications` for the embedded database.
 */
export class NotifiedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  /** Changes with each invalidation: a read that began before one is not kept. */
  private generation = 0;
  private subscribed = false;

  constructor(
    private readonly notifications: DatabaseNotifications,
    private readonly channel: string,
    private readonly limits: NotifiedCacheLimits,
  ) {}

  /** Starts hearing the changes made elsewhere (at the application's start, or at the first read). */
  follow(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    this.notifications.subscribe(this.channel, {
      notified: (key) => this.forget(key === '*' ? undefined : key),
      reset: () => this.forget(),
    });
  }

  /** Drops one entry from this instance's memory (`undefined`: all of them). */
  forget(key?: string): void {
    this.generation++;
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }

  /**
   * The value of `key`: from memory when it can be trusted, else from `load()`, kept when `keep(value)` says so (by
   * default everything is kept, an absence included).
   */
  async get(key: string, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    this.follow();
    const trusted = this.notifications.trusted;
    const cached = trusted ? this.entries.get(key) : undefined;
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const generation = this.generation;
    const value = await load();
    if (keep(value) && trusted && this.notifications.trusted && generation === this.generation) {
      this.entries.delete(key);
      if (this.entries.size >= this.limits.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, expiresAt: Date.now() + this.limits.ttlMs });
    }
    return value;
  }
}
