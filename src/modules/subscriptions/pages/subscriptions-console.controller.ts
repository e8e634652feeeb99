import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentSession, Permission, type SignedInContext } from '../../../platform/http/access-policy';
import { currentLocale, t } from '../../../platform/i18n/i18n';
import { AdminError, AdminErrorCode, OperatorRoles, OperatorsService, StepUp } from '../../admin';
import { CONSOLE_MODES, ModeChangeFormDto } from '../dto/console-forms.dto';
import type { AccountMode } from '../entities/subscription.entity';
import { modeLabel, parisDate, SubscriptionsService, type SubscriptionView } from '../subscriptions.service';
import { renderHere } from '../subscriptions.messages';
import { SubscriptionsClock } from '../subscriptions.clock';

const VIEWS = 'modules/subscriptions/views';

const MODE_OF: Record<(typeof CONSOLE_MODES)[number], AccountMode> = {
  'auto-declaration': 'self-declaration',
  'gestion-administrateur': 'administrator-managed',
  'sans-compte': 'no-personal-account',
};
const NAME_OF = Object.fromEntries(Object.entries(MODE_OF).map(([name, mode]) => [mode, name])) as Record<
  AccountMode,
  string
>;

/** A calendar day in the page's language: « 1 janvier 2026 », « 1 January 2026 ». */
const longDate = (day: string) =>
  new Intl.DateTimeFormat(currentLocale() === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );

/** Text from a query string, bounded, without NUL bytes (PostgreSQL refuses them). */
const oneString = (value: unknown, max: number): string =>
  typeof value === 'string' ? value.replace(/\0/g, '').trim().slice(0, max) : '';

/**
 * « Abonnements » in the operators' console: search by subscriber, a subscription's page, and « Changer le mode de
 * gestion » (support and super-admin; the consequences first, then a confirmation with step-up; audited with the
 * before and after modes). The same use case as the command line's `subscriptions:set-mode`.
 */
@Permission(OperatorRoles, 'lecture')
@Controller('admin/abonnements')
export class SubscriptionsConsoleController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly operators: OperatorsService,
    private readonly stepUp: StepUp,
    private readonly clock: SubscriptionsClock,
  ) {}

  @Get()
  async search(@Query('q') q: unknown, @Res() res: Response): Promise<void> {
    const text = oneString(q, 200);
    const found = await this.subscriptions.searchSubscriptions(text, 50);
    res.render(`${VIEWS}/console-subscriptions.njk`, {
      title: t('subscriptions:console.title'),
      section: 'subscriptions',
      signedIn: true,
      q: text,
      subscriptions: found.map((s) => this.row(s)),
    });
  }

  @Get(':id')
  async show(@CurrentSession() me: SignedInContext, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.renderSubscription(res, me, await this.subscriptions.getSubscription(id));
  }

  /** The consequences of the change, computed from the data, and the confirmation form: nothing changes yet. */
  @Permission(OperatorRoles, 'support')
  @Get(':id/mode')
  async preview(
    @CurrentSession() me: SignedInContext,
    @Param('id') id: string,
    @Query('vers') vers: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const subscription = await this.subscriptions.getSubscription(id);
    const name = oneString(vers, 40);
    const to = Object.hasOwn(MODE_OF, name) ? MODE_OF[name as keyof typeof MODE_OF] : undefined;
    if (!to || to === subscription.accountMode) {
      const error = to ? t('subscriptions:console.alreadyInModeChoose') : t('subscriptions:console.chooseMode');
      return this.renderSubscription(res.status(400), me, subscription, { errors: { mode: [error] } });
    }
    await this.renderPreview(res, me, id, to, {});
  }

  @Permission(OperatorRoles, 'support')
  @Post(':id/mode')
  async change(
    @CurrentSession() me: SignedInContext,
    @Param('id') id: string,
    @Body() form: ModeChangeFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const subscription = await this.subscriptions.getSubscription(id);
    const to = form.mode ? MODE_OF[form.mode as keyof typeof MODE_OF] : undefined;
    if (!to || to === subscription.accountMode)
      return this.renderSubscription(res.status(400), me, subscription, {
        errors: { mode: [to ? t('subscriptions:console.alreadyInMode') : t('subscriptions:console.chooseMode')] },
      });
    try {
      await this.stepUp.confirm(me, form.password);
    } catch (error) {
      if (!(error instanceof AdminError) || error.code !== (AdminErrorCode.STEP_UP_REQUIRED as string)) throw error;
      return this.renderPreview(res.status(403), me, id, to, error.fields ?? {});
    }
    const change = await this.subscriptions.setMode(id, to, {
      confirm: true,
      actor: { type: 'operator', id: me.account.id },
    });
    await this.renderSubscription(res.status(200), me, change.subscription, {
      notice: t('subscriptions:console.changed', { mode: modeLabel(change.to) }),
      applied: change.consequenceTexts.map(renderHere),
    });
  }

  private async renderPreview(
    res: Response,
    me: SignedInContext,
    id: string,
    to: AccountMode,
    errors: Record<string, string[]>,
  ): Promise<void> {
    const change = await this.subscriptions.setMode(id, to, { confirm: false });
    res.render(`${VIEWS}/console-mode-change.njk`, {
      title: t('subscriptions:console.changeTitle', { subscriber: change.subscription.subscriber }),
      section: 'subscriptions',
      signedIn: true,
      subscription: this.row(change.subscription),
      fromLabel: modeLabel(change.from),
      toLabel: modeLabel(change.to),
      mode: NAME_OF[change.to],
      consequences: change.consequenceTexts.map(renderHere),
      stepUpNeeded: !(await this.stepUp.isFresh(me)),
      errors,
      errorCount: Object.keys(errors).length,
    });
  }

  private async renderSubscription(
    res: Response,
    me: SignedInContext,
    subscription: SubscriptionView,
    extra: { notice?: string; applied?: string[]; errors?: Record<string, string[]> } = {},
  ): Promise<void> {
    const role = await this.operators.roleOf(me.account.id);
    const errors = extra.errors ?? {};
    res.render(`${VIEWS}/console-subscription.njk`, {
      title: t('subscriptions:console.subscription', { subscriber: subscription.subscriber }),
      section: 'subscriptions',
      signedIn: true,
      subscription: this.row(subscription),
      canAct: role === 'support' || role === 'super-admin',
      modes: CONSOLE_MODES.filter((name) => MODE_OF[name] !== subscription.accountMode).map((name) => ({
        value: name,
        label: modeLabel(MODE_OF[name]),
      })),
      notice: extra.notice,
      applied: extra.applied,
      errors,
      errorCount: Object.keys(errors).length,
    });
  }

  private row(subscription: SubscriptionView) {
    const today = parisDate(this.clock.now());
    const status = today < subscription.startsOn ? 'upcoming' : today > subscription.endsOn ? 'ended' : 'running';
    return {
      ...subscription,
      modeLabel: modeLabel(subscription.accountMode),
      startsOnLabel: longDate(subscription.startsOn),
      endsOnLabel: longDate(subscription.endsOn),
      status: t(`subscriptions:console.status.${status}`),
    };
  }
}
