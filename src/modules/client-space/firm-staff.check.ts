import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { PermissionCheck, SignedInAccount } from '../../platform/http/access-policy';
import { FirmsService } from './firms.service';

/**
 * `@Permission(FirmStaffCheck)`: the signed-in account is a staff member of the firm in the path (`:firm`);
 * `@Permission(FirmStaffCheck, 'write')`: and not read-only (« lecture »). Staff of firm A never reach firm B.
 */
@Injectable()
export class FirmStaffCheck implements PermissionCheck {
  constructor(private readonly firms: FirmsService) {}

  async allows(account: SignedInAccount, req: Request, mode?: string): Promise<boolean> {
    const firm = req.params.firm;
    if (typeof firm !== 'string') return false;
    const member = await this.firms.membership(firm, account.id);
    if (!member) return false;
    return mode === 'write' ? member.role !== 'lecture' : true;
  }
}

/** `@Permission(FirmClientCheck)`: the signed-in account is a client of the firm in the path (`:firm`). */
@Injectable()
export class FirmClientCheck implements PermissionCheck {
  constructor(private readonly firms: FirmsService) {}

  async allows(account: SignedInAccount, req: Request): Promise<boolean> {
    const firm = req.params.firm;
    return typeof firm === 'string' && Boolean(await this.firms.clientRecord(firm, account.id));
  }
}
