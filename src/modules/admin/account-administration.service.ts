import { Injectable } from '@nestjs/common';
import { AuditService } from '../../platform/audit';
import { WebSessionStore } from '../../platform/first-party/web-session.store';
import { AccountAccessPort, IdentityService, SignInThrottle, type AccountView } from '../identity';
import { AdminError, AdminErrorCode } from './admin.errors';
import { t } from '../../platform/i18n/i18n';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who acts in the console's operations: an operator (its account id, from the console and the command line), or a
 * client of the administration API (`{ type: 'client', id: clientId }`). Recorded as the audit trail's actor.
 */
export type AdminActor = string | { type: 'operator' | 'client'; id: string };

export function auditActor(actor: AdminActor): { type: 'operator' | 'client'; id: string } {
  return typeof actor === 'string' ? { type: 'operator', id: actor } : actor;
}

export type AccountAction =
  'disabled' | 'enabled' | 'activation_resent' | 'password_reset_sent' | 'sessions_ended' | 'throttle_cleared';

/**
 * What an operator does to an account, through identity's use cases (never its tables). Every action is recorded
 * `admin.account.<action>` with the operator as actor, the values before and after, and (added by the audit service)
 * the request's address and id.
 */
@Injectable()
export class AccountAdministrationService {
  constructor(
    private readonly identity: IdentityService,
    private readonly access: AccountAccessPort,
    private readonly webSessions: WebSessionStore,
    private readonly audit: AuditService,
    private readonly throttle: SignInThrottle,
  ) {}

  /** The account, or a 404 for an unknown or malformed id. */
  async get(accountId: string): Promise<AccountView> {
    const account = UUID.test(accountId) ? await this.identity.findById(accountId) : undefined;
    if (!account) throw new AdminError(AdminErrorCode.ACCOUNT_NOT_FOUND, t('admin:accounts.notFound'));
    return account;
  }

  /**
   * Deletes the account after its identifier was typed again (`confirmation`); a form error on that field otherwise.
   * Audited `admin.account.deleted` with the status before (the account is gone after).
   */
  async delete(actor: AdminActor, accountId: string, confirmation: string | undefined): Promise<AccountView> {
    const before = await this.get(accountId);
    if ((confirmation ?? '').trim().toLowerCase() !== before.identifier) {
      throw new AdminError(AdminErrorCode.CONFIRMATION_MISMATCH, t('admin:deletion.mismatch'), {
        confirmation: [t('admin:deletion.typeExactly', { identifier: before.identifier })],
      });
    }
    const by = auditActor(actor);
    // Identity records who deleted the account as an operator; a client of the API is named in the audit event below.
    await this.identity.deleteAccount(accountId, { type: 'operator', id: by.id });
    await this.audit.record({
      actor: by,
      action: 'admin.account.deleted',
      target: { type: 'account', id: accountId },
      outcome: 'success',
      details: { before: { status: before.status }, after: null },
    });
    return before;
  }

  async act(actor: AdminActor, accountId: string, action: AccountAction): Promise<AccountView> {
    const before = await this.get(accountId);
    const by = auditActor(actor);
    let details: Record<string, unknown>;
    switch (action) {
      case 'disabled':
      case 'enabled': {
        const after =
          action === 'disabled'
            ? await this.identity.disable(accountId, by)
            : await this.identity.enable(accountId, by);
        details = { before: { status: before.status }, after: { status: after.status } };
        break;
      }
      case 'activation_resent':
        await this.identity.resendActivation(accountId, by);
        details = { before: { status: before.status }, after: { status: before.status, activationSent: true } };
        break;
      case 'password_reset_sent':
        await this.identity.sendPasswordReset(accountId, by);
        details = { before: { status: before.status }, after: { status: before.status, resetLinkSent: true } };
        break;
      case 'throttle_cleared': {
        const blockedUntil = await this.throttle.accountBlockedUntil(accountId);
        await this.throttle.clearAccount(accountId);
        details = { before: { blockedUntil: blockedUntil?.toISOString() ?? null }, after: { blockedUntil: null } };
        break;
      }
      case 'sessions_ended': {
        const open = (await this.access.sessions(accountId)).length;
        await this.webSessions.closeAllForAccount(accountId);
        const ended = await this.access.endAllSessions(accountId);
        details = { before: { openSessions: open }, after: { openSessions: open - ended } };
        break;
      }
    }
    await this.audit.record({
      actor: by,
      action: `admin.account.${action}`,
      target: { type: 'account', id: accountId },
      outcome: 'success',
      details,
    });
    return this.get(accountId);
  }
}
