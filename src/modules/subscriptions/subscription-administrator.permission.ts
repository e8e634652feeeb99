import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { PermissionCheck, SignedInAccount } from '../../platform/http/access-policy';
import { UserManagementService } from './user-management.service';

/**
 * `@Permission(SubscriptionAdministrator, 'subscriptionId')`: the account administers the subscription named by that
 * route parameter (a role « Administrateur » in a subscription in « gestion par administrateur »); without a
 * parameter, it administers at least one.
 */
@Injectable()
export class SubscriptionAdministrator implements PermissionCheck {
  constructor(private readonly users: UserManagementService) {}

  async allows(account: SignedInAccount, req: Request, param?: string): Promise<boolean> {
    if (!param) return (await this.users.administered(account.id)).length > 0;
    const id = req.params[param];
    return typeof id === 'string' && this.users.administers(id, account.id);
  }
}
