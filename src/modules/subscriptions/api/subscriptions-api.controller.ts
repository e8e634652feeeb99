import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../config';
import {
  ApiClient,
  ApiOperation,
  ApiScopes,
  ApiTag,
  CursorPageQuery,
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  Idempotent,
  pageOf,
  pageSchema,
  type ApiCaller,
} from '../../../platform/api';
import { IdentityService } from '../../identity';
import { AccessCodesService } from '../access-codes.service';
import { SubscriptionTermsService } from '../subscription-terms.service';
import { SubscriptionsError, SubscriptionsErrorCode } from '../subscriptions.errors';
import { SubscriptionsService, type RoleGrant, type SubscriptionsActor } from '../subscriptions.service';
import { UserFormError, UserManagementService } from '../user-management.service';
import {
  ACCESS_CODES_SCHEMA,
  INVITED_MEMBER_SCHEMA,
  ISSUED_ACCESS_CODES_SCHEMA,
  MEMBER_SCHEMA,
  SUBSCRIPTION_SCHEMA,
  subscriptionJson,
  UUID_PARAM,
} from './api-views';
import { PublisherReachService, reachOf } from './publisher-reach';
import {
  CreateSubscriptionDto,
  InviteMemberDto,
  IssueAccessCodesDto,
  RolesDto,
  SubscriptionsQuery,
  UpdateSubscriptionDto,
  type RoleDto,
} from './subscriptions-api.dto';

const positions = (p: readonly unknown[]): p is [string, string] =>
  p.length === 2 &&
  typeof p[0] === 'string' &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(p[0]) &&
  typeof p[1] === 'string' &&
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(p[1]);

/** The use case's field names (« Créer un utilisateur ») → the API's. */
const API_FIELDS: Record<string, string> = {
  email: 'email',
  civility: 'civility',
  familyName: 'family_name',
  givenName: 'given_name',
  access: 'roles',
};

const grantsOf = (roles: RoleDto[]): RoleGrant[] =>
  roles.map((r) => ({ productCode: r.product, ...(r.section ? { section: r.section } : {}), role: r.role }));

/**
 * `/api/v1/subscriptions`: a publisher's subscriptions, their seats and dates, members and access codes. The use
 * cases are those of the command line and of « Gérer mes utilisateurs » (`SubscriptionsService`,
 * `UserManagementService`, `AccessCodesService`): the seat limit under the subscription's row lock, the per-product
 * roles, the invitation through identity's `inviteAccount()` or the attachment of an existing account with its
 * notice, the audit trail (the client as actor). A subscription outside the client's binding is « introuvable » (404),
 * as are its members and codes (docs/adr/0004).
 */
@ApiTag('Abonnements')
@Controller('api/v1/subscriptions')
export class SubscriptionsApiController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subscriptions: SubscriptionsService,
    private readonly terms: SubscriptionTermsService,
    private readonly users: UserManagementService,
    private readonly accessCodes: AccessCodesService,
    private readonly identity: IdentityService,
    private readonly reach: PublisherReachService,
  ) {}

  @ApiScopes('subscriptions:read')
  @ApiOperation({
    summary: 'Liste les abonnements (par date de création), d’un produit avec ?product=',
    responses: { 200: { description: 'Une page d’abonnements', schema: pageSchema(SUBSCRIPTION_SCHEMA) } },
  })
  @Get()
  async list(@Query() query: SubscriptionsQuery, @ApiClient() caller: ApiCaller) {
    const after = decodeCursor(query.cursor, positions);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.reach.subscriptionIds(reachOf(caller), after, limit + 1, query.product);
    const views: Array<ReturnType<typeof subscriptionJson>> = [];
    for (const row of rows.slice(0, limit))
      views.push(subscriptionJson(await this.subscriptions.getSubscription(row.id)));
    return pageOf(
      rows,
      limit,
      (row) => [row.position, row.id],
      (row) => views.find((v) => v.id === row.id)!,
    );
  }

  @ApiScopes('subscriptions:write')
  @ApiOperation({
    summary: 'Crée un abonnement (produits et rubriques, places, dates, mode de gestion de compte personnel)',
    responses: { 201: { description: 'Créé', schema: SUBSCRIPTION_SCHEMA } },
  })
  @Idempotent()
  @Post()
  async create(@Body() body: CreateSubscriptionDto, @ApiClient() caller: ApiCaller) {
    this.reach.assertProducts(
      reachOf(caller),
      body.products.map((p) => p.code),
    );
    const created = await this.subscriptions.addSubscription(
      {
        subscriber: body.subscriber,
        products: body.products.map((p) => ({ code: p.code, sections: p.sections })),
        seats: body.seats,
        startsOn: body.starts_on,
        endsOn: body.ends_on,
        accountMode: body.account_mode,
      },
      this.actor(caller),
    );
    return subscriptionJson(created);
  }

  @ApiScopes('subscriptions:read')
  @ApiOperation({
    summary: 'Lit un abonnement',
    responses: { 200: { description: 'L’abonnement', schema: SUBSCRIPTION_SCHEMA } },
  })
  @Get(':id')
  async get(@Param('id', UUID_PARAM) id: string, @ApiClient() caller: ApiCaller) {
    await this.reach.subscription(reachOf(caller), id);
    return subscriptionJson(await this.subscriptions.getSubscription(id));
  }

  @ApiScopes('subscriptions:write')
  @ApiOperation({
    summary: 'Change les places ou les dates d’un abonnement',
    description:
      'Les places ne descendent jamais sous le nombre de membres (invitations en cours comprises) : 409 SEATS_IN_USE.',
    responses: { 200: { description: 'L’abonnement changé', schema: SUBSCRIPTION_SCHEMA } },
  })
  @Patch(':id')
  async update(
    @Param('id', UUID_PARAM) id: string,
    @Body() body: UpdateSubscriptionDto,
    @ApiClient() caller: ApiCaller,
  ) {
    await this.reach.subscription(reachOf(caller), id);
    const changed = await this.terms.change(
      id,
      { seats: body.seats, startsOn: body.starts_on, endsOn: body.ends_on },
      this.actor(caller),
    );
    return subscriptionJson(changed);
  }

  @ApiScopes('subscriptions:read')
  @ApiOperation({
    summary: 'Liste les membres d’un abonnement et leurs rôles par produit et rubrique',
    responses: { 200: { description: 'Une page de membres', schema: pageSchema(MEMBER_SCHEMA) } },
  })
  @Get(':id/members')
  async members(@Param('id', UUID_PARAM) id: string, @Query() query: CursorPageQuery, @ApiClient() caller: ApiCaller) {
    await this.reach.subscription(reachOf(caller), id);
    const after = decodeCursor(query.cursor, positions);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.reach.members(id, { after, limit: limit + 1 });
    return pageOf(
      rows,
      limit,
      (row) => row.cursor,
      ({ cursor: _cursor, ...member }) => member,
    );
  }

  @ApiScopes('subscriptions:write')
  @ApiOperation({
    summary:
      'Ajoute un membre : invitation (e-mail pour choisir son mot de passe) ou rattachement d’un compte existant',
    description:
      'Une adresse nouvelle reçoit l’invitation de la plateforme (compte en attente d’activation) ; une adresse qui a ' +
      'déjà un compte rattache ce compte, et son titulaire est prévenu par e-mail. Dans la limite des places (409 ' +
      'SEATS_EXHAUSTED) ; refusé en mode « pas de compte personnel » (409 NO_PERSONAL_ACCOUNT).',
    responses: { 201: { description: 'Le membre', schema: INVITED_MEMBER_SCHEMA } },
  })
  @Idempotent()
  @Post(':id/members')
  async invite(@Param('id', UUID_PARAM) id: string, @Body() body: InviteMemberDto, @ApiClient() caller: ApiCaller) {
    await this.reach.subscription(reachOf(caller), id);
    const subscription = await this.subscriptions.getSubscription(id);
    if (subscription.accountMode === 'no-personal-account')
      throw new SubscriptionsError(
        SubscriptionsErrorCode.NO_PERSONAL_ACCOUNT,
        'Cet abonnement est en mode « pas de compte personnel » : il n’a pas de membres, seulement ses codes d’accès.',
      );
    const existing = await this.identity.findByEmail(body.email);
    if (existing && (await this.reach.members(id, { accountId: existing.id })).length > 0)
      throw new SubscriptionsError(
        SubscriptionsErrorCode.ALREADY_MEMBER,
        'Cette personne est déjà membre de cet abonnement.',
        { email: ['Cette personne est déjà membre de cet abonnement.'] },
      );
    let added: { accountId: string; attached: boolean };
    try {
      added = await this.users.createUser(
        id,
        { id: caller.clientId, name: this.config.brand.name, actor: this.actor(caller) },
        {
          email: body.email,
          civility: body.civility,
          familyName: body.family_name,
          givenName: body.given_name,
          access: body.roles.map((r) => `${r.product}|${r.section ?? ''}|${r.role}`),
        },
      );
    } catch (error) {
      if (!(error instanceof UserFormError)) throw error;
      throw new SubscriptionsError(
        SubscriptionsErrorCode.INVALID_INPUT,
        'Certaines informations sont manquantes ou incorrectes.',
        Object.fromEntries(
          Object.entries(error.fields).map(([field, message]) => [API_FIELDS[field] ?? field, [message]]),
        ),
      );
    }
    return { ...(await this.reach.member(id, added.accountId)), attached: added.attached };
  }

  @ApiScopes('subscriptions:read')
  @ApiOperation({
    summary: 'Lit un membre et ses rôles',
    responses: { 200: { description: 'Le membre', schema: MEMBER_SCHEMA } },
  })
  @Get(':id/members/:accountId')
  async member(
    @Param('id', UUID_PARAM) id: string,
    @Param('accountId', UUID_PARAM) accountId: string,
    @ApiClient() caller: ApiCaller,
  ) {
    await this.reach.subscription(reachOf(caller), id);
    return this.reach.member(id, accountId);
  }

  @ApiScopes('subscriptions:write')
  @ApiOperation({
    summary: 'Remplace les rôles d’un membre (« Lecteur ? » / « Admin ? » par produit et rubrique)',
    responses: { 200: { description: 'Le membre', schema: MEMBER_SCHEMA } },
  })
  @Put(':id/members/:accountId/roles')
  async setRoles(
    @Param('id', UUID_PARAM) id: string,
    @Param('accountId', UUID_PARAM) accountId: string,
    @Body() body: RolesDto,
    @ApiClient() caller: ApiCaller,
  ) {
    await this.reach.subscription(reachOf(caller), id);
    await this.reach.member(id, accountId);
    await this.subscriptions.setMembership(id, accountId, grantsOf(body.roles), this.actor(caller));
    return this.reach.member(id, accountId);
  }

  @ApiScopes('subscriptions:write')
  @ApiOperation({
    summary: 'Retire un membre de l’abonnement (son compte reste ; ses sessions sur les produits prennent fin)',
    responses: { 204: { description: 'Retiré' } },
  })
  @HttpCode(204)
  @Delete(':id/members/:accountId')
  async remove(
    @Param('id', UUID_PARAM) id: string,
    @Param('accountId', UUID_PARAM) accountId: string,
    @ApiClient() caller: ApiCaller,
  ): Promise<void> {
    await this.reach.subscription(reachOf(caller), id);
    if (!(await this.subscriptions.removeMembership(id, accountId, this.actor(caller))))
      throw new SubscriptionsError(
        SubscriptionsErrorCode.MEMBER_NOT_FOUND,
        'Utilisateur introuvable dans cet abonnement.',
      );
  }

  @ApiScopes('subscriptions:read')
  @ApiOperation({
    summary: 'L’identifiant des codes d’accès de l’abonnement et leur date (jamais le mot de passe)',
    responses: { 200: { description: 'Les codes émis', schema: ACCESS_CODES_SCHEMA } },
  })
  @Get(':id/access-codes')
  async getAccessCodes(@Param('id', UUID_PARAM) id: string, @ApiClient() caller: ApiCaller) {
    await this.reach.subscription(reachOf(caller), id);
    const codes = await this.reach.accessCodes(id);
    if (!codes)
      throw new SubscriptionsError(
        SubscriptionsErrorCode.ACCESS_CODES_NOT_FOUND,
        'Les codes d’accès de cet abonnement n’ont pas encore été émis.',
      );
    return codes;
  }

  @ApiScopes('subscriptions:write')
  @ApiOperation({
    summary: 'Émet les codes d’accès de l’abonnement (le mot de passe n’est donné qu’une fois, dans cette réponse)',
    description:
      'Avec email, l’e-mail de remise des codes (avec le paragraphe du mode de gestion) part à cette adresse. Des codes ' +
      'déjà émis : 409 ACCESS_CODES_ALREADY_ISSUED (une nouvelle tentative ne remplace jamais des codes remis) ; pour ' +
      'en émettre d’autres, /reset. Sans Idempotency-Key : la réponse porte un secret, elle n’est pas gardée.',
    responses: { 201: { description: 'Les codes, en clair cette seule fois', schema: ISSUED_ACCESS_CODES_SCHEMA } },
  })
  @Header('Cache-Control', 'no-store')
  @Post(':id/access-codes')
  async issueAccessCodes(
    @Param('id', UUID_PARAM) id: string,
    @Body() body: IssueAccessCodesDto,
    @ApiClient() caller: ApiCaller,
  ) {
    return this.issue(id, body, caller, true);
  }

  @ApiScopes('subscriptions:write')
  @ApiOperation({
    summary: 'Réinitialise les codes d’accès : de nouveaux codes remplacent les anciens, qui cessent de fonctionner',
    description:
      'Les sessions ouvertes avec les anciens codes prennent fin. Le nouveau mot de passe n’est donné qu’une fois, dans cette réponse.',
    responses: {
      200: { description: 'Les nouveaux codes, en clair cette seule fois', schema: ISSUED_ACCESS_CODES_SCHEMA },
    },
  })
  @Header('Cache-Control', 'no-store')
  @HttpCode(200)
  @Post(':id/access-codes/reset')
  async resetAccessCodes(
    @Param('id', UUID_PARAM) id: string,
    @Body() body: IssueAccessCodesDto,
    @ApiClient() caller: ApiCaller,
  ) {
    return this.issue(id, body, caller, false);
  }

  private async issue(id: string, body: IssueAccessCodesDto, caller: ApiCaller, firstOnly: boolean) {
    await this.reach.subscription(reachOf(caller), id);
    const issued = await this.accessCodes.issue(id, { email: body.email, actor: this.actor(caller), firstOnly });
    return { login: issued.login, password: issued.password, emailed_to: issued.emailedTo ?? null };
  }

  private actor(caller: ApiCaller): SubscriptionsActor {
    return { type: 'client', id: caller.clientId };
  }
}
