import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentAccount, Permission, type SignedInAccount } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { IdentityService } from '../../identity';
import { CreateUserFormDto, RemoveUsersFormDto, UserRightsFormDto } from '../dto/user-forms.dto';
import { SubscriptionAdministrator } from '../subscription-administrator.permission';
import { SubscriptionsError } from '../subscriptions.errors';
import { SubscriptionsService } from '../subscriptions.service';
import { UserFormError, UserManagementService } from '../user-management.service';

const VIEWS = 'modules/subscriptions/views';

/**
 * « Gérer mes utilisateurs » (the seed's « Gestion par Administrateur »): « Tous mes utilisateurs », « Créer un
 * utilisateur », a user's rights. Every route names the subscription; the permission checks its administrator.
 */
@Controller('compte/utilisateurs')
export class ManageUsersController {
  constructor(
    private readonly users: UserManagementService,
    private readonly subscriptions: SubscriptionsService,
    private readonly identity: IdentityService,
  ) {}

  @Permission(SubscriptionAdministrator)
  @Get()
  async choose(@CurrentAccount() account: SignedInAccount, @Res() res: Response): Promise<void> {
    const administered = await this.users.administered(account.id);
    if (administered.length === 1) return res.redirect(303, `/compte/utilisateurs/${administered[0].id}`);
    this.render(res, 'choose', t('subscriptions:users.manage'), { administered });
  }

  @Permission(SubscriptionAdministrator, 'subscriptionId')
  @Get(':subscriptionId')
  async list(@Param('subscriptionId') subscriptionId: string, @Res() res: Response): Promise<void> {
    await this.renderList(res, subscriptionId, {});
  }

  @Permission(SubscriptionAdministrator, 'subscriptionId')
  @HttpCode(200)
  @Post(':subscriptionId/supprimer')
  async remove(
    @CurrentAccount() account: SignedInAccount,
    @Param('subscriptionId') subscriptionId: string,
    @Body() form: RemoveUsersFormDto,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const removed = await this.users.removeUsers(subscriptionId, form.members, account.id);
      await this.renderList(res, subscriptionId, {
        notice:
          removed === 0
            ? t('subscriptions:users.notices.noneChecked')
            : t('subscriptions:users.notices.removed', { count: removed }),
      });
    } catch (error) {
      if (!(error instanceof UserFormError)) throw error;
      res.status(400);
      await this.renderList(res, subscriptionId, { errors: asLists(error.pageFields()) });
    }
  }

  @Permission(SubscriptionAdministrator, 'subscriptionId')
  @Get(':subscriptionId/nouveau')
  async createForm(@Param('subscriptionId') subscriptionId: string, @Res() res: Response): Promise<void> {
    await this.renderForm(res, subscriptionId, { values: { access: [] }, errors: {} });
  }

  @Permission(SubscriptionAdministrator, 'subscriptionId')
  @Get(':subscriptionId/par-produit')
  async byProduct(@Param('subscriptionId') subscriptionId: string, @Res() res: Response): Promise<void> {
    this.render(res, 'users-by-product', t('subscriptions:users.byProduct'), {
      subscriptionId,
      seats: await this.users.seats(subscriptionId),
      products: await this.users.usersByProduct(subscriptionId),
    });
  }

  @Permission(SubscriptionAdministrator, 'subscriptionId')
  @HttpCode(200)
  @Post(':subscriptionId/nouveau')
  async create(
    @CurrentAccount() account: SignedInAccount,
    @Param('subscriptionId') subscriptionId: string,
    @Body() form: CreateUserFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const name = await this.adminName(account.id, subscriptionId);
    const input = {
      email: form.email ?? '',
      civility: form.civility ?? '',
      familyName: form.familyName ?? '',
      givenName: form.givenName ?? '',
      access: form.access,
    };
    try {
      const { attached } = await this.users.createUser(subscriptionId, { id: account.id, name }, input);
      await this.renderList(res, subscriptionId, {
        notice: attached
          ? t('subscriptions:users.notices.attached', { email: input.email.trim().toLowerCase() })
          : t('subscriptions:users.notices.created'),
      });
    } catch (error) {
      const fields =
        error instanceof UserFormError
          ? error.pageFields()
          : error instanceof SubscriptionsError
            ? { access: error.pageMessage() }
            : undefined;
      if (!fields) throw error;
      res.status(400);
      await this.renderForm(res, subscriptionId, { values: input, errors: asLists(fields) });
    }
  }

  @Permission(SubscriptionAdministrator, 'subscriptionId')
  @HttpCode(200)
  @Post(':subscriptionId/:accountId/renvoyer')
  async resend(
    @CurrentAccount() account: SignedInAccount,
    @Param('subscriptionId') subscriptionId: string,
    @Param('accountId') accountId: string,
    @Res() res: Response,
  ): Promise<void> {
    const user = await this.users.user(subscriptionId, accountId);
    try {
      await this.users.resendInvitation(subscriptionId, accountId, {
        id: account.id,
        name: await this.adminName(account.id, subscriptionId),
      });
      await this.renderList(res, subscriptionId, {
        notice: t('subscriptions:users.notices.resent', { name: `${user.givenName} ${user.familyName}` }),
      });
    } catch (error) {
      if (!(error instanceof UserFormError)) throw error;
      res.status(400);
      await this.renderList(res, subscriptionId, { errors: asLists(error.pageFields()) });
    }
  }

  @Permission(SubscriptionAdministrator, 'subscriptionId')
  @Get(':subscriptionId/:accountId')
  async rightsForm(
    @Param('subscriptionId') subscriptionId: string,
    @Param('accountId') accountId: string,
    @Res() res: Response,
  ): Promise<void> {
    const user = await this.users.user(subscriptionId, accountId);
    await this.renderForm(res, subscriptionId, { user, values: { access: user.access }, errors: {} });
  }

  @Permission(SubscriptionAdministrator, 'subscriptionId')
  @HttpCode(200)
  @Post(':subscriptionId/:accountId')
  async saveRights(
    @CurrentAccount() account: SignedInAccount,
    @Param('subscriptionId') subscriptionId: string,
    @Param('accountId') accountId: string,
    @Body() form: UserRightsFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const user = await this.users.user(subscriptionId, accountId);
    try {
      await this.users.updateRights(subscriptionId, accountId, form.access, account.id);
      await this.renderList(res, subscriptionId, {
        notice: t('subscriptions:users.notices.rightsSaved', { name: `${user.givenName} ${user.familyName}` }),
      });
    } catch (error) {
      const fields =
        error instanceof UserFormError
          ? error.pageFields()
          : error instanceof SubscriptionsError
            ? { access: error.pageMessage() }
            : undefined;
      if (!fields) throw error;
      res.status(400);
      await this.renderForm(res, subscriptionId, { user, values: { access: form.access }, errors: asLists(fields) });
    }
  }

  /** How the e-mails name the administrator: « Jean-Pierre Dupont (Cabinet Dupont) ». */
  private async adminName(accountId: string, subscriptionId: string): Promise<string> {
    const me = await this.identity.findById(accountId);
    const { subscriber } = await this.users.seats(subscriptionId);
    return `${[me?.givenName, me?.familyName].filter(Boolean).join(' ') || me?.identifier} (${subscriber})`;
  }

  private async renderList(res: Response, subscriptionId: string, data: Record<string, unknown>): Promise<void> {
    this.render(res, 'users', t('subscriptions:users.all'), {
      subscriptionId,
      seats: await this.users.seats(subscriptionId),
      users: await this.users.users(subscriptionId),
      errors: {},
      ...data,
    });
  }

  private async renderForm(
    res: Response,
    subscriptionId: string,
    data: { user?: unknown; values: Record<string, unknown>; errors: Record<string, string[]> },
  ): Promise<void> {
    this.render(res, 'user-form', data.user ? t('subscriptions:users.rightsTitle') : t('subscriptions:users.create'), {
      subscriptionId,
      seats: await this.users.seats(subscriptionId),
      grid: await this.subscriptions.accessGrid(subscriptionId),
      errorCount: Object.keys(data.errors).length,
      ...data,
    });
  }

  private render(res: Response, view: string, title: string, data: Record<string, unknown>): void {
    res.render(`${VIEWS}/${view}.njk`, { title, section: 'users', signedIn: true, ...data });
  }
}

/** Field messages as the page shell's form macros read them: a list per field. */
function asLists(fields: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(fields).map(([name, message]) => [name, [message]]));
}
