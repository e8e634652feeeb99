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

type SigningKey = Awaited<ReturnType<SigningKeyStore['list']>>[number];

const frenchDateTime = (date: Date) =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(date);

/** « 3 j 4 h », « 12 min »: how old a key is. */
function age(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days) return `${days} j ${hours} h`;
  if (hours) return `${hours} h ${minutes % 60} min`;
  return `${minutes} min`;
}

function state(key: SigningKey, now: Date): 'suivante' | 'en service' | 'retirée' {
  if (key.retiredAt && key.retiredAt.getTime() <= now.getTime()) return 'retirée';
  if (key.activatesAt.getTime() > now.getTime()) return 'suivante';
  return 'en service';
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
    const before = (await this.keys.list()).filter((k) => state(k, now) !== 'retirée').map((k) => k.kid);
    const created = await this.keys.rotate();
    await this.audit.record({
      actor: { type: 'operator', id: me.account.id },
      action: 'admin.keys.rotated',
      target: { type: 'signing_keys' },
      outcome: 'success',
      details: { before: { keys: before }, after: { newKeys: created.map((k) => k.kid) } },
    });
    const signsFrom = created[0] ? frenchDateTime(created[0].activatesAt) : '';
    await this.render(
      req,
      res.status(200),
      me,
      `De nouvelles clés sont publiées ; elles signeront à partir du ${signsFrom}.`,
    );
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
      state: state(k, now),
      age: age(k.createdAt, now),
      createdAt: frenchDateTime(k.createdAt),
      activatesAt: frenchDateTime(k.activatesAt),
      retiredAt: k.retiredAt ? frenchDateTime(k.retiredAt) : null,
    }));
    renderConsolePage(req, res, 'signing-keys', 'keys', 'Clés de signature', {
      notice,
      keys,
      stepUpNeeded: !(await this.stepUp.isFresh(me)),
      errors,
      errorCount: Object.keys(errors).length,
    });
  }
}
