import { Injectable } from '@nestjs/common';
import { AuditService } from '../../platform/audit';
import { IdentityService } from '../identity';
import { NotificationsService } from '../notifications';

export const SIGN_IN_SUCCEEDED = ['identity.sign_in.succeeded'];
export const SIGN_IN_FAILED = ['identity.sign_in.failed', 'franceconnect.sign_in.failed'];

export interface DashboardFigures {
  accounts: { pending: number; active: number; disabled: number; total: number };
  outbox: { pending: number; sending: number; failed: number; queueDepth: number };
  last24h: { signIns: number; failures: number };
}

/** The console's dashboard: figures read from the modules that own them, through their public services. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly identity: IdentityService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async figures(now = new Date()): Promise<DashboardFigures> {
    const accounts = await this.identity.countByStatus();
    const outbox = await this.notifications.countByStatus();
    const since = new Date(now.getTime() - 24 * 3600 * 1000);
    const trail = await this.audit.countActionsSince([...SIGN_IN_SUCCEEDED, ...SIGN_IN_FAILED], since);
    const sum = (actions: string[]) => actions.reduce((n, a) => n + (trail[a] ?? 0), 0);
    return {
      accounts: { ...accounts, total: accounts.pending + accounts.active + accounts.disabled },
      outbox: {
        pending: outbox.pending,
        sending: outbox.sending,
        failed: outbox.failed,
        queueDepth: outbox.pending + outbox.sending,
      },
      last24h: { signIns: sum(SIGN_IN_SUCCEEDED), failures: sum(SIGN_IN_FAILED) },
    };
  }
}
