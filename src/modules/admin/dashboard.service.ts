import { Injectable } from '@nestjs/common';
import { AuditService } from '../../platform/audit';
import { HealthRegistry, type ComponentHealth } from '../../platform/health/health-registry';
import { IdentityService } from '../identity';
import { NotificationsService } from '../notifications';

export const SIGN_IN_SUCCEEDED = ['identity.sign_in.succeeded'];
export const SIGN_IN_FAILED = ['identity.sign_in.failed', 'franceconnect.sign_in.failed'];

export interface DashboardFigures {
  accounts: { pending: number; active: number; disabled: number; total: number };
  outbox: { pending: number; sending: number; failed: number; queueDepth: number };
  last24h: { signIns: number; failures: number };
  /** The last 24 hours, the oldest first: each hour's start (UTC) and its sign-ins and failures. */
  perHour: Array<{ hour: Date; signIns: number; failures: number }>;
  delivery: Awaited<ReturnType<NotificationsService['deliveryHealth']>>;
  /** The database, SMTP, the SMS gateway and FranceConnect: last success and last error seen by this instance. */
  services: ComponentHealth[];
  /** Since when this instance has been counting (its start). */
  servicesSince: Date;
}

/** The console's dashboard: figures read from the modules that own them, through their public services. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly identity: IdentityService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly health: HealthRegistry,
  ) {}

  /** The health registry, the database's success recorded first (the figures above were just read from it). */
  private services(): Pick<DashboardFigures, 'services' | 'servicesSince'> {
    this.health.succeeded('database');
    return { services: this.health.snapshot(), servicesSince: this.health.since };
  }

  async figures(now = new Date()): Promise<DashboardFigures> {
    const accounts = await this.identity.countByStatus();
    const outbox = await this.notifications.countByStatus();
    const since = new Date(now.getTime() - 24 * 3600 * 1000);
    const trail = await this.audit.countActionsSince([...SIGN_IN_SUCCEEDED, ...SIGN_IN_FAILED], since);
    const sum = (actions: string[]) => actions.reduce((n, a) => n + (trail[a] ?? 0), 0);
    const firstHour = Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000;
    const perHour = Array.from({ length: 24 }, (_, i) => ({
      hour: new Date(firstHour + i * 3_600_000),
      signIns: 0,
      failures: 0,
    }));
    for (const row of await this.audit.countPerHour([...SIGN_IN_SUCCEEDED, ...SIGN_IN_FAILED], new Date(firstHour))) {
      const bucket = perHour[Math.round((new Date(row.hour).getTime() - firstHour) / 3_600_000)];
      if (!bucket) continue;
      if (SIGN_IN_SUCCEEDED.includes(row.action)) bucket.signIns += row.count;
      else bucket.failures += row.count;
    }
    return {
      accounts: { ...accounts, total: accounts.pending + accounts.active + accounts.disabled },
      outbox: {
        pending: outbox.pending,
        sending: outbox.sending,
        failed: outbox.failed,
        queueDepth: outbox.pending + outbox.sending,
      },
      last24h: { signIns: sum(SIGN_IN_SUCCEEDED), failures: sum(SIGN_IN_FAILED) },
      perHour,
      delivery: await this.notifications.deliveryHealth(),
      ...this.services(),
    };
  }
}
