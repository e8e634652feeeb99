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
    renderConsolePage(req, res, 'dashboard', 'dashboard', 'Tableau de bord', {
      figures: await this.dashboard.figures(),
    });
  }
}
