import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AuditService, type AuditRecord } from '../../platform/audit';
import { IdentityService, type AccountView } from '../identity';
import { AdminError, AdminErrorCode } from './admin.errors';
import { OPERATOR_ROLES, Operator, type OperatorRole } from './entities/operator.entity';

export interface OperatorView {
  accountId: string;
  role: OperatorRole;
  createdAt: Date;
  account: AccountView | undefined;
}

export const isOperatorRole = (value: unknown): value is OperatorRole =>
  typeof value === 'string' && (OPERATOR_ROLES as readonly string[]).includes(value);

/** Whether `role` is at least `minimum` (lecture < support < super-admin). */
export const roleAtLeast = (role: OperatorRole, minimum: OperatorRole): boolean =>
  OPERATOR_ROLES.indexOf(role) >= OPERATOR_ROLES.indexOf(minimum);

/** The platform's operators: accounts given a role in the console (command line `operators:*`). */
@Injectable()
export class OperatorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
  ) {}

  /** Makes an existing account an operator, or changes its role. Audited with the role before and after. */
  async add(login: string, role: string, by: AuditRecord['actor'] = { type: 'system' }): Promise<OperatorView> {
    if (!isOperatorRole(role)) {
      throw new AdminError(
        AdminErrorCode.INVALID_ROLE,
        `Rôle inconnu « ${role} » : choisissez parmi ${OPERATOR_ROLES.join(', ')}.`,
      );
    }
    const account = await this.identity.findByLogin(login);
    if (!account) throw new AdminError(AdminErrorCode.ACCOUNT_NOT_FOUND, `Aucun compte pour « ${login} ».`);
    const operator = await this.dataSource.transaction(async (manager) => {
      const operators = manager.getRepository(Operator);
      const before = await operators.findOneBy({ accountId: account.id });
      await operators.upsert({ accountId: account.id, role }, ['accountId']);
      await this.audit.record(
        {
          actor: by,
          action: 'admin.operator.added',
          target: { type: 'account', id: account.id },
          outcome: 'success',
          details: { before: before ? { role: before.role } : null, after: { role } },
        },
        manager,
      );
      return operators.findOneByOrFail({ accountId: account.id });
    });
    return { ...operator, account };
  }

  async remove(login: string, by: AuditRecord['actor'] = { type: 'system' }): Promise<AccountView> {
    const account = await this.identity.findByLogin(login);
    if (!account) throw new AdminError(AdminErrorCode.ACCOUNT_NOT_FOUND, `Aucun compte pour « ${login} ».`);
    await this.dataSource.transaction(async (manager) => {
      const operators = manager.getRepository(Operator);
      const before = await operators.findOneBy({ accountId: account.id });
      if (!before) {
        throw new AdminError(AdminErrorCode.OPERATOR_NOT_FOUND, `Le compte « ${login} » n’est pas opérateur.`);
      }
      await operators.delete({ accountId: account.id });
      await this.audit.record(
        {
          actor: by,
          action: 'admin.operator.removed',
          target: { type: 'account', id: account.id },
          outcome: 'success',
          details: { before: { role: before.role }, after: null },
        },
        manager,
      );
    });
    return account;
  }

  async list(): Promise<OperatorView[]> {
    const operators = await this.dataSource.getRepository(Operator).find({ order: { createdAt: 'ASC' } });
    return Promise.all(operators.map(async (o) => ({ ...o, account: await this.identity.findById(o.accountId) })));
  }

  async roleOf(accountId: string): Promise<OperatorRole | undefined> {
    return (await this.dataSource.getRepository(Operator).findOneBy({ accountId }))?.role;
  }
}
