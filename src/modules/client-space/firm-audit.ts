import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../platform/audit';

/** Who acts for a firm: a staff member's account (the pages) or the firm's API client (`client_credentials`). */
export type FirmActor = { type: 'account'; id: string } | { type: 'client'; id: string };

/**
 * The audit trail of what a firm does to its clients' data (`client-space.<thing>.<past-verb>`): written in the
 * transaction of the change, with the firm's id and, where something changes, what it was and what it became.
 */
@Injectable()
export class FirmAudit {
  constructor(private readonly audit: AuditService) {}

  async record(
    manager: EntityManager | undefined,
    actor: FirmActor | undefined,
    action: string,
    target: { type: string; id: string },
    firmId: string,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.record(
      {
        actor: actor ?? { type: 'system' },
        action,
        target,
        outcome: 'success',
        details: { firmId, ...details },
      },
      manager,
    );
  }
}
