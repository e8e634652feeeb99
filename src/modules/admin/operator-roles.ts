import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { PermissionCheck, SignedInAccount } from '../../platform/http/access-policy';
import type { OperatorRole } from './entities/operator.entity';
import { OperatorsService, isOperatorRole, roleAtLeast } from './operators.service';

const ROLE = Symbol('operator-role');
type RequestWithRole = Request & { [ROLE]?: OperatorRole };

/**
 * The console's permission: `@Permission(OperatorRoles, 'support')` lets in operators of that role or a higher one
 * (lecture < support < super-admin); anyone else, signed in or not an operator, is refused.
 */
@Injectable()
export class OperatorRoles implements PermissionCheck {
  constructor(private readonly operators: OperatorsService) {}

  async allows(account: SignedInAccount, req: Request, minimum = 'lecture'): Promise<boolean> {
    if (!isOperatorRole(minimum)) throw new Error(`Rôle d’opérateur inconnu : ${minimum}`);
    const role = await this.operators.roleOf(account.id);
    if (!role) return false;
    (req as RequestWithRole)[ROLE] = role;
    return roleAtLeast(role, minimum);
  }
}

/** The role the permission check found for this request (set on every console route). */
export function operatorRoleOf(req: Request): OperatorRole {
  const role = (req as RequestWithRole)[ROLE];
  if (!role) throw new Error('operatorRoleOf() demande une route @Permission(OperatorRoles)');
  return role;
}
