import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { DATABASE_ENDPOINT, type DatabaseEndpoint } from './database-endpoint';

/** What a subscriber to a channel is told. */
export interface ChannelSubscriber {
  /** A `NOTIFY <channel>, '<payload>'` committed by any instance (or by SQL typed by hand). */
  notified(payload: string): void;
  /**
   * Notifications may have been missed (the listening connection was lost, or has just been opened): whatever was
   * kept on the strength of them must be dropped.
   */
  reset(): void;
}

const RECONNECT_MS = [100, 500, 2000, 5000];

/**
 * How often the listening connection is checked with a `SELECT 1`, and how long its answer may take. A connection
 * whose path is cut silently (a firewall or NAT dropping it, a host gone without a word) delivers no notification and
 * no error either: without this check the caches would be trusted while deaf. Cut that way, the connection is given
 * up (and the caches bypassed) within `HEARTBEAT_MS + HEARTBEAT_TIMEOUT_MS`.
 */
const HEARTBEAT_MS = 10_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

/**
 * PostgreSQL `LISTEN` on a connection of its own (outside the pool), for caches that every instance must drop at once
 * when the data changes. Opened at the first subscription; reopened after a loss, each loss and each opening telling
 * the subscribers to `reset()`. `listening` says whether notifications arrive now: while it is false, a cache must not
 * be trusted.
 *
 * The embedded database (PGlite) accepts one connection only: there is no listening connection there. It is used by
 * one process only (the data folder's lock; the command line hands its commands to the running instance), so a cache
 * there is kept right by that process's own invalidations (`trusted` is true). On a server with a pool of one
 * connection, nothing is listened to and nothing is trusted: caches are bypassed.
 */
@Injectable()
export class DatabaseNotifications implements OnModuleDestroy {
  private readonly subscribers = new Map<string, Set<ChannelSubscriber>>();
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  listening = false;
  /** The check's period and patience (shorter in tests). */
  heartbeatMs = HEARTBEAT_MS;
  heartbeatTimeoutMs = HEARTBEAT_TIMEOUT_MS;

  constructor(@Inject(DATABASE_ENDPOINT) private readonly endpoint: DatabaseEndpoint) {}

  /**
   * Whether a listening connection can be opened beside the pool: not on the embedded database, whose single
   * connection the pool holds (a pool of one connection is how it is recognised, the test harness's copies included).
   */
  get available(): boolean {
    return !this.endpoint.embedded && this.endpoint.poolSize > 1;
  }

  /**
   * Whether a cache invalidated through these notifications (and by this process's own writes) may be trusted now:
   * while listening; and always on the embedded database of `npm start`, which no other process writes to.
   */
  get trusted(): boolean {
    return this.endpoint.embedded || this.listening;
  }

  subscribe(channel: string, subscriber: ChannelSubscriber): void {
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(subscriber);
    const isNew = !this.subscribers.has(channel);
    this.subscribers.set(channel, set);
    if (!this.available || this.stopped) return;
    if (this.client && this.listening && isNew) {
      this.client.query(`LISTEN ${quote(channel)}`).catch(() => this.lost());
    } else this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    this.listening = false;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): void {
    if (this.connecting || this.client || this.stopped) return;
    this.connecting = (async () => {
      // TCP keep-alive as well: the operating system then ends a connection whose peer is gone for good.
      const client = new Client({
        connectionString: this.endpoint.url,
        connectionTimeoutMillis: 5000,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      });
      client.on('error', () => this.lost());
      client.on('end', () => this.lost());
      client.on('notification', ({ channel, payload }) => {
        for (const subscriber of this.subscribers.get(channel) ?? []) subscriber.notified(payload ?? '');
      });
      try {
        await client.connect();
        for (const channel of this.subscribers.keys()) await client.query(`LISTEN ${quote(channel)}`);
        if (this.stopped) {
          await client.end();
          return;
        }
        this.client = client;
        this.failures = 0;
        // Whatever happened before the LISTEN took effect was not heard.
        this.resetAll();
        this.listening = true;
        this.startHeartbeat(client);
      } catch {
        await client.end().catch(() => undefined);
        this.retry();
      }
    })().finally(() => (this.connecting = undefined));
  }

  /** Checks the listening connection every `heartbeatMs`: no answer within `heartbeatTimeoutMs` means it is lost. */
  private startHeartbeat(client: Client): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (this.client !== client) return;
      const patience = setTimeout(() => {
        if (this.client === client) this.lost();
      }, this.heartbeatTimeoutMs);
      patience.unref();
      client.query('SELECT 1').then(
        () => clearTimeout(patience),
        () => {
          clearTimeout(patience);
          if (this.client === client) this.lost();
        },
      );
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private lost(): void {
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    const was = this.listening;
    this.listening = false;
    if (was) this.resetAll();
    void client?.end().catch(() => undefined);
    if (was) this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = RECONNECT_MS[Math.min(this.failures++, RECONNECT_MS.length - 1)];
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
    this.timer.unref();
  }

  private resetAll(): void {
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.reset();
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
