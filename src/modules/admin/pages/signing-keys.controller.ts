import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditService } from '../../../platform/audit';
import { CurrentSession, Permission, type SignedInContext } from '../../../platform/http/access-policy';
import { SigningKeyStore } from '../../oidc';
import { renderConsolePage } from '../admin-space';
import { AdminError, AdminErrorCode } from '../admin.errors';
import { AccountActionFormDto } from '../dto/account-action-form.dto';
import { OperatorRoles } from '../operator-roles';
import { StepUp } from '../step-up';
import { t } from '../../../platform/i18n/i18n';
import { consoleDateTime } from '../console-dates';

type SigningKey = Awaited<ReturnType<SigningKeyStore['list']>>[number];

const dateTime = (date: Date) => consoleDateTime(date, 'short', 'short');

/** « 3 j 4 h », « 12 min » (« 3 d 4 h » in English): how old a key is. */
function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days) return t('admin:keys.ages.days', { days, hours });
  if (hours) return t('admin:keys.ages.hours', { hours, minutes: minutes % 60 });
  return t('admin:keys.ages.minutes', { minutes });
}

/** A key's state: `next` (published, not signing yet), `current`, `retired`; `admin:keys.states.<state>` on the page. */
function state(key: SigningKey, now: Date): 'next' | 'current' | 'retired' {
  if (key.retiredAt && key.retiredAt.getTime() <= now.getTime()) return 'retired';
  if (key.activatesAt.getTime() > now.getTime()) return 'next';
  return 'current';
}

/** « Clés de signature »: the current and next keys with their ages, and `keys:rotate` from the console. */
@Permission(OperatorRoles, 'lecture')
@Controller('admin/cles')
export class SigningKeysController {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly stepUp: StepUp,
    private readonly audit: AuditService,
  ) {}

  @Get()
  async list(@CurrentSession() me: SignedInContext, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.render(req, res, me);
  }

  /** Rotating keys is dangerous: the password again after 5 minutes (step-up). */
  @Permission(OperatorRoles, 'super-admin')
  @Post('rotation')
  async rotate(
    @CurrentSession() me: SignedInContext,
    @Body() form: AccountActionFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      await this.stepUp.confirm(me, form.password);
    } catch (error) {
      if (!(error instanceof AdminError) || error.code !== (AdminErrorCode.STEP_UP_REQUIRED as string)) throw error;
      return this.render(req, res.status(403), me, undefined, error.fields ?? {});
    }
    const now = new Date();
    const before = (await this.keys.list()).filter((k) => state(k, now) !== 'retired').map((k) => k.kid);
    const created = await this.keys.rotate();
    await this.audit.record({
      actor: { type: 'operator', id: me.account.id },
      action: 'admin.keys.rotated',
      target: { type: 'signing_keys' },
      outcome: 'success',
      details: { before: { keys: before }, after: { newKeys: created.map((k) => k.kid) } },
    });
    const signsFrom = created[0] ? dateTime(created[0].activatesAt) : '';
    await this.render(req, res.status(200), me, t('admin:keys.rotated', { date: signsFrom }));
  }

  private async render(
    req: Request,
    res: Response,
    me: SignedInContext,
    notice?: string,
    errors: Record<string, string[]> = {},
  ): Promise<void> {
    const now = new Date();
    const keys = (await this.keys.list()).map((k) => ({
      kid: k.kid,
      alg: k.alg,
      state: t(`admin:keys.states.${state(k, now)}`),
      age: age(k.createdAt, now),
      createdAt: dateTime(k.createdAt),
      activatesAt: dateTime(k.activatesAt),
      retiredAt: k.retiredAt ? dateTime(k.retiredAt) : null,
    }));
    renderConsolePage(req, res, 'signing-keys', 'keys', t('admin:keys.title'), {
      notice,
      keys,
      stepUpNeeded: !(await this.stepUp.isFresh(me)),
      errors,
      errorCount: Object.keys(errors).length,
    });
  }
}
