import { Injectable } from '@nestjs/common';
import { AuditService } from '../../platform/audit';
import type { SignedInContext } from '../../platform/http/access-policy';
import { IdentityService, SignInThrottle } from '../identity';
import { AdminError, AdminErrorCode } from './admin.errors';

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
  ) {}

  /** Whether the console session is recent enough to act without the password again. */
  isFresh(session: SignedInContext['session'], now = new Date()): boolean {
    return now.getTime() - session.createdAt.getTime() <= STEP_UP_MINUTES * 60 * 1000;
  }

  /** Passes when the sign-in is recent or `password` is the operator's; else a form error on `password`. */
  async confirm(context: SignedInContext, password: string | undefined): Promise<void> {
    if (this.isFresh(context.session)) return;
    const operatorId = context.account.id;
    if (!password) {
      throw new AdminError(AdminErrorCode.STEP_UP_REQUIRED, 'Confirmez votre mot de passe pour cette action.', {
        password: [
          `Votre connexion date de plus de ${STEP_UP_MINUTES} minutes : saisissez de nouveau votre mot de passe.`,
        ],
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
      throw new AdminError(AdminErrorCode.STEP_UP_REQUIRED, 'Confirmez votre mot de passe pour cette action.', {
        password: ['Mot de passe incorrect.'],
      });
    }
  }
}
