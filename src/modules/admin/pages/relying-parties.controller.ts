import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentSession, Permission, type SignedInContext } from '../../../platform/http/access-policy';
import { renderConsolePage } from '../admin-space';
import { AdminError, AdminErrorCode } from '../admin.errors';
import { AccountActionFormDto } from '../dto/account-action-form.dto';
import { FormDto } from '../../../platform/http/form-fields';
import { AUTH_METHODS, ClientFormDto } from '../dto/client-form.dto';
import { OperatorRoles } from '../operator-roles';
import { formValuesOf, RelyingPartiesService } from '../relying-parties.service';
import { StepUp } from '../step-up';
import { t } from '../../../platform/i18n/i18n';

const NEW_VALUES = {
  grantAuthorizationCode: 'oui',
  grantRefreshToken: 'oui',
  tokenEndpointAuthMethod: 'client_secret_basic',
};

/** « Sites »: the relying parties, a new one, a secret renewed (shown once). */
@Permission(OperatorRoles, 'lecture')
@Controller('admin/sites')
export class RelyingPartiesController {
  constructor(
    private readonly sites: RelyingPartiesService,
    private readonly stepUp: StepUp,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    renderConsolePage(req, res, 'sites', 'sites', t('admin:sites.title'), { sites: await this.sites.list() });
  }

  @Permission(OperatorRoles, 'super-admin')
  @Get('nouveau')
  creation(@Req() req: Request, @Res() res: Response): void {
    this.renderForm(req, res, NEW_VALUES, {});
  }

  @Permission(OperatorRoles, 'super-admin')
  @Post()
  async create(
    @CurrentSession() me: SignedInContext,
    @Body() form: ClientFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const added = await this.sites.create(me.account.id, form);
      renderConsolePage(req, res.status(200), 'site', 'sites', t('admin:site.savedTitle'), {
        site: await this.sites.get(added.clientId),
        secret: added.clientSecret,
        notice: t('admin:site.notices.created', { clientId: added.clientId }),
      });
    } catch (error) {
      if (!(error instanceof AdminError) || !error.fields) throw error;
      const { _csrf, ...values } = form;
      this.renderForm(req, res.status(400), values, error.fields);
    }
  }

  @Get(':clientId')
  async show(@Param('clientId') clientId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    renderConsolePage(req, res, 'site', 'sites', t('admin:site.title'), {
      site: await this.sites.get(clientId.slice(0, 255)),
    });
  }

  @Permission(OperatorRoles, 'super-admin')
  @Get(':clientId/modifier')
  async edition(@Param('clientId') clientId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const site = await this.sites.get(clientId.slice(0, 255));
    if (site.firstParty) throw new AdminError(AdminErrorCode.CLIENT_INVALID, t('admin:siteForm.errors.firstPartyEdit'));
    this.renderForm(req, res, formValuesOf(site), {}, true);
  }

  @Permission(OperatorRoles, 'super-admin')
  @Post(':clientId')
  async update(
    @CurrentSession() me: SignedInContext,
    @Param('clientId') clientId: string,
    @Body() form: ClientFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const current = await this.sites.get(clientId.slice(0, 255));
    try {
      const site = await this.sites.update(me.account.id, current.clientId, form);
      renderConsolePage(req, res.status(200), 'site', 'sites', t('admin:site.title'), {
        site,
        notice: t('admin:site.notices.updated'),
      });
    } catch (error) {
      if (!(error instanceof AdminError) || !error.fields) throw error;
      const { _csrf, ...values } = form;
      this.renderForm(
        req,
        res.status(400),
        { ...values, clientId: current.clientId, tokenEndpointAuthMethod: current.authMethod },
        error.fields,
        true,
      );
    }
  }

  @Permission(OperatorRoles, 'super-admin')
  @Post(':clientId/desactiver')
  async disable(
    @CurrentSession() me: SignedInContext,
    @Param('clientId') clientId: string,
    @Body() _form: FormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const site = await this.sites.setDisabled(me.account.id, clientId.slice(0, 255), true);
    renderConsolePage(req, res.status(200), 'site', 'sites', t('admin:site.title'), {
      site,
      notice: t('admin:site.notices.disabled'),
    });
  }

  @Permission(OperatorRoles, 'super-admin')
  @Post(':clientId/reactiver')
  async enable(
    @CurrentSession() me: SignedInContext,
    @Param('clientId') clientId: string,
    @Body() _form: FormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const site = await this.sites.setDisabled(me.account.id, clientId.slice(0, 255), false);
    renderConsolePage(req, res.status(200), 'site', 'sites', t('admin:site.title'), {
      site,
      notice: t('admin:site.notices.enabled'),
    });
  }

  /** Renewing a secret is dangerous: the password again after 5 minutes (step-up). */
  @Permission(OperatorRoles, 'super-admin')
  @Post(':clientId/secret')
  async rotate(
    @CurrentSession() me: SignedInContext,
    @Param('clientId') clientId: string,
    @Body() form: AccountActionFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const site = await this.sites.get(clientId.slice(0, 255));
    try {
      await this.stepUp.confirm(me, form.password);
    } catch (error) {
      if (!(error instanceof AdminError) || error.code !== (AdminErrorCode.STEP_UP_REQUIRED as string)) throw error;
      return renderConsolePage(req, res.status(403), 'site', 'sites', t('admin:site.title'), {
        site,
        stepUpNeeded: true,
        errors: error.fields ?? {},
        errorCount: 1,
      });
    }
    const secret = await this.sites.rotateSecret(me.account.id, site.clientId);
    renderConsolePage(req, res.status(200), 'site', 'sites', t('admin:site.title'), {
      site,
      secret,
      notice: t('admin:site.notices.secretRenewed'),
    });
  }

  private renderForm(
    req: Request,
    res: Response,
    values: object,
    errors: Record<string, string[]>,
    editing = false,
  ): void {
    renderConsolePage(
      req,
      res,
      'site-form',
      'sites',
      t(editing ? 'admin:siteForm.editTitle' : 'admin:siteForm.newTitle'),
      {
        editing,
        values,
        errors,
        errorCount: Object.keys(errors).length,
        authMethods: AUTH_METHODS,
      },
    );
  }
}
