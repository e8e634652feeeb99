import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Permission } from '../../../platform/http/access-policy';
import { renderConsolePage } from '../admin-space';
import { DashboardService } from '../dashboard.service';
import { OperatorRoles } from '../operator-roles';

/** « Tableau de bord »: the console's home, real figures only. */
@Permission(OperatorRoles, 'lecture')
@Controller('admin')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const figures = await this.dashboard.figures();
    const time = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Paris' });
    const dateTime = new Intl.DateTimeFormat('fr-FR', {
      dateStyle: 'short',
      timeStyle: 'short',
      timeZone: 'Europe/Paris',
    });
    const labels: Record<string, string> = {
      email: 'Courriel (SMTP)',
      sms: 'SMS (passerelle)',
      webhook: 'Appels sortants (webhooks)',
    };
    renderConsolePage(req, res, 'dashboard', 'dashboard', 'Tableau de bord', {
      figures,
      perHour: figures.perHour.map((h) => ({ ...h, label: time.format(h.hour) })),
      delivery: Object.entries(figures.delivery).map(([channel, h]) => ({
        channel,
        label: labels[channel] ?? channel,
        lastSentAt: h.lastSentAt ? dateTime.format(new Date(h.lastSentAt)) : null,
        lastError: h.lastError,
        lastErrorMessageAt: h.lastErrorMessageAt ? dateTime.format(new Date(h.lastErrorMessageAt)) : null,
      })),
    });
  }
}
