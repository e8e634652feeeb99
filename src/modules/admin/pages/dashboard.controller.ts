import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Permission } from '../../../platform/http/access-policy';
import { renderConsolePage } from '../admin-space';
import { DashboardService } from '../dashboard.service';
import { OperatorRoles } from '../operator-roles';
import { t } from '../../../platform/i18n/i18n';
import { consoleDateTimeFormat } from '../console-dates';

const CHART_HEIGHT = 120;
const CHART_LEFT = 36;
const HOUR_WIDTH = 26;

/** « Tableau de bord »: the console's home, real figures only. */
@Permission(OperatorRoles, 'lecture')
@Controller('admin')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const figures = await this.dashboard.figures();
    const time = consoleDateTimeFormat({ hour: '2-digit', minute: '2-digit' });
    const dateTime = consoleDateTimeFormat({ dateStyle: 'short', timeStyle: 'short' });
    const channels = new Set(['email', 'sms', 'webhook']);
    // The chart's geometry (an SVG drawn on the server: no script, no inline style under the CSP): per hour, a bar for
    // the sign-ins and one for the failures, scaled to the busiest hour.
    const peak = Math.max(1, ...figures.perHour.flatMap((h) => [h.signIns, h.failures]));
    const height = (value: number) => Math.round((value / peak) * CHART_HEIGHT);
    renderConsolePage(req, res, 'dashboard', 'dashboard', t('admin:dashboard.title'), {
      figures,
      chart: {
        height: CHART_HEIGHT,
        peak,
        bars: figures.perHour.map((h, index) => ({
          x: CHART_LEFT + index * HOUR_WIDTH,
          signIns: height(h.signIns),
          failures: height(h.failures),
          label: time.format(h.hour),
          showLabel: index % 3 === 0,
        })),
        width: CHART_LEFT + 24 * HOUR_WIDTH,
      },
      perHour: figures.perHour.map((h) => ({ ...h, label: time.format(h.hour) })),
      servicesSince: dateTime.format(figures.servicesSince),
      services: figures.services.map((h) => ({
        component: h.component,
        label: t(`admin:dashboard.components.${h.component}`),
        lastSuccessAt: h.lastSuccessAt ? dateTime.format(h.lastSuccessAt) : null,
        lastErrorAt: h.lastErrorAt ? dateTime.format(h.lastErrorAt) : null,
        lastError: h.lastError,
      })),
      delivery: Object.entries(figures.delivery).map(([channel, h]) => ({
        channel,
        label: channels.has(channel) ? t(`admin:dashboard.channels.${channel}`) : channel,
        lastSentAt: h.lastSentAt ? dateTime.format(new Date(h.lastSentAt)) : null,
        lastError: h.lastError,
        lastErrorMessageAt: h.lastErrorMessageAt ? dateTime.format(new Date(h.lastErrorMessageAt)) : null,
      })),
    });
  }
}
