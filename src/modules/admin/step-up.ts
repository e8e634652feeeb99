import { Injectable } from '@nestjs/common';
import { AuditService } from '../../platform/audit';
import type { SignedInContext } from '../../platform/http/access-policy';
import { AccountAccessPort, IdentityService, SignInThrottle } from '../identity';
import { AdminError, AdminErrorCode } from './admin.errors';
import { t } from '../../platform/i18n/i18n';

/** A dangerous action asks for the password again when the console's sign-in is older than this. */
export const STEP_UP_MINUTES = 5;

/**
 * Step-up for dangerous actions (disable an account, delete, rotate): when the operator signed in to the console more
 * than 5 minutes ago, the action's form asks for the password again, checked (and throttled) like the account
 * space's current-password checks. The password is asked on each such action while the sign-in stays older.
 */
@Injectable()
export class StepUp {
  constructor(
    private readonly identity: IdentityService,
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditService,
    private readonly access: AccountAccessPort,
  ) {}

  /**
   * Whether the operator typed the password recently enough to act without it again. The sign-in is the provider
   * session's (its login time), not the console session's creation: a console opened by single sign-on an hour
   * after signing in to « Mon compte » is an hour old.
   */
  async isFresh(context: SignedInContext, now = new Date()): Promise<boolean> {
    const provider = context.session.oidcSid
      ? (await this.access.sessions(context.account.id, context.session.oidcSid)).find((s) => s.current)
      : undefined;
    const signedInAt = provider?.signedInAt ?? context.session.createdAt;
    return now.getTime() - signedInAt.getTime() <= STEP_UP_MINUTES * 60 * 1000;
  }

  /** Passes when the sign-in is recent or `password` is the operator's; else a form error on `password`. */
  async confirm(context: SignedInContext, password: string | undefined): Promise<void> {
    if (await this.isFresh(context)) return;
    const operatorId = context.account.id;
    if (!password) {
      throw new AdminError(AdminErrorCode.STEP_UP_REQUIRED, t('admin:stepUp.required'), {
        password: [t('admin:stepUp.again', { minutes: STEP_UP_MINUTES })],
      });
    }
    const operator = await this.identity.findById(operatorId);
    const right = await this.throttle.currentPassword(operatorId, async () =>
      Boolean(operator && (await this.identity.verifyPassword(operator.identifier, password))?.id === operatorId),
    );
    await this.audit.record({
      actor: { type: 'operator', id: operatorId },
      action: right ? 'admin.step_up.succeeded' : 'admin.step_up.failed',
      target: { type: 'account', id: operatorId },
      outcome: right ? 'success' : 'failure',
    });
    if (!right) {
      throw new AdminError(AdminErrorCode.STEP_UP_REQUIRED, t('admin:stepUp.required'), {
        password: [t('admin:stepUp.wrong')],
      });
    }
  }
}
