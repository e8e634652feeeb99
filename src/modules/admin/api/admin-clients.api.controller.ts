import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiClient,
  ApiOperation,
  ApiScopes,
  ApiTag,
  parseApiBinding,
  type ApiCaller,
  type JsonSchema,
} from '../../../platform/api';
import { AdminError, AdminErrorCode } from '../admin.errors';
import { formValuesOf, RelyingPartiesService, type RelyingPartyView } from '../relying-parties.service';
import { CreateClientDto, UpdateClientDto } from './admin-api.dto';

const CLIENT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    clientId: { type: 'string' },
    name: { type: 'string' },
    redirectUris: { type: 'array', items: { type: 'string' } },
    postLogoutRedirectUris: { type: 'array', items: { type: 'string' } },
    backchannelLogoutUri: { type: ['string', 'null'] },
    grantTypes: { type: 'array', items: { type: 'string' } },
    scope: { type: ['string', 'null'] },
    authMethod: { type: 'string' },
    requirePar: { type: 'boolean' },
    logoUri: { type: ['string', 'null'] },
    disabled: { type: 'boolean' },
    firstParty: { type: 'boolean' },
  },
};

/** `/api/v1/admin/clients`: the relying parties and API clients, through the console's service. */
@ApiTag('Administration — clients')
@Controller('api/v1/admin/clients')
export class AdminClientsApiController {
  constructor(private readonly relyingParties: RelyingPartiesService) {}

  @ApiScopes('admin:read')
  @ApiOperation({
    summary: 'Liste les clients (sites et clients de l’API)',
    responses: {
      200: {
        description: 'Les clients',
        schema: { type: 'object', properties: { data: { type: 'array', items: CLIENT_SCHEMA } } },
      },
    },
  })
  @Get()
  async list(): Promise<{ data: RelyingPartyView[] }> {
    return { data: await this.relyingParties.list() };
  }

  @ApiScopes('admin:read')
  @ApiOperation({ summary: 'Un client', responses: { 200: { description: 'Le client', schema: CLIENT_SCHEMA } } })
  @Get(':clientId')
  get(@Param('clientId') clientId: string): Promise<RelyingPartyView> {
    return this.relyingParties.get(clientId);
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Enregistre un client',
    description: 'Mêmes vérifications que clients:add. Le secret généré n’est donné qu’une fois, dans cette réponse.',
    responses: {
      201: {
        description: 'Enregistré',
        schema: { type: 'object', properties: { client: CLIENT_SCHEMA, clientSecret: { type: 'string' } } },
      },
    },
  })
  // Not @Idempotent(): the answer holds the secret, which must not be stored to be replayed. A second creation with
  // the same clientId is refused anyway.
  @Post()
  async create(
    @Body() body: CreateClientDto,
    @ApiClient() caller: ApiCaller,
  ): Promise<{ client: RelyingPartyView; clientSecret?: string }> {
    const checked = (grant: string) => (body.grantTypes.includes(grant) ? 'on' : undefined);
    const added = await this.relyingParties.create(
      { type: 'client', id: caller.clientId },
      {
        clientId: body.clientId,
        name: body.name,
        redirectUris: (body.redirectUris ?? []).join('\n'),
        postLogoutRedirectUris: (body.postLogoutRedirectUris ?? []).join('\n'),
        backchannelLogoutUri: body.backchannelLogoutUri,
        scope: body.scope,
        grantAuthorizationCode: checked('authorization_code'),
        grantRefreshToken: checked('refresh_token'),
        grantClientCredentials: checked('client_credentials'),
        tokenEndpointAuthMethod: body.tokenEndpointAuthMethod,
      },
      { apiBinding: body.apiBinding ? parseApiBinding(body.apiBinding) : undefined },
    );
    return { client: await this.relyingParties.get(added.clientId), clientSecret: added.clientSecret };
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Renouvelle le secret du client',
    description: 'L’ancien secret est refusé dès maintenant ; le nouveau n’est donné qu’une fois, dans cette réponse.',
    responses: {
      200: {
        description: 'Le nouveau secret',
        schema: { type: 'object', properties: { clientSecret: { type: 'string' } } },
      },
    },
  })
  @HttpCode(200)
  @Post(':clientId/rotate-secret')
  async rotateSecret(
    @Param('clientId') clientId: string,
    @ApiClient() caller: ApiCaller,
  ): Promise<{ clientSecret: string }> {
    return { clientSecret: await this.relyingParties.rotateSecret({ type: 'client', id: caller.clientId }, clientId) };
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Modifie un client',
    description:
      'Les champs donnés remplacent les valeurs enregistrées, les autres restent ; mêmes vérifications que la console et ' +
      'clients:add (celles du fournisseur). L’identifiant et la méthode d’authentification ne changent pas. Pas pour ' +
      'les espaces de la plateforme.',
    responses: { 200: { description: 'Le client modifié', schema: CLIENT_SCHEMA } },
  })
  @Patch(':clientId')
  async update(
    @Param('clientId') clientId: string,
    @Body() body: UpdateClientDto,
    @ApiClient() caller: ApiCaller,
  ): Promise<RelyingPartyView> {
    const given = Object.entries(body).filter(([, value]) => value !== undefined);
    if (given.length === 0)
      throw new AdminError(AdminErrorCode.CLIENT_INVALID, 'Indiquez au moins un champ à modifier.');
    const values = formValuesOf(await this.relyingParties.get(clientId));
    const grant = (name: string) => (body.grantTypes ? (body.grantTypes.includes(name) ? 'on' : undefined) : undefined);
    return this.relyingParties.update({ type: 'client', id: caller.clientId }, clientId, {
      ...values,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.redirectUris ? { redirectUris: body.redirectUris.join('\n') } : {}),
      ...(body.postLogoutRedirectUris ? { postLogoutRedirectUris: body.postLogoutRedirectUris.join('\n') } : {}),
      ...(body.backchannelLogoutUri !== undefined ? { backchannelLogoutUri: body.backchannelLogoutUri } : {}),
      ...(body.scope !== undefined ? { scope: body.scope } : {}),
      ...(body.logoUri !== undefined ? { logoUri: body.logoUri } : {}),
      ...(body.requirePar !== undefined ? { requirePar: body.requirePar ? 'on' : undefined } : {}),
      ...(body.grantTypes
        ? {
            grantAuthorizationCode: grant('authorization_code'),
            grantRefreshToken: grant('refresh_token'),
            grantClientCredentials: grant('client_credentials'),
          }
        : {}),
    });
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Désactive un client',
    description: 'Le fournisseur ne le connaît plus : connexions, codes et jetons refusés dès maintenant.',
    responses: { 200: { description: 'Le client, désactivé', schema: CLIENT_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':clientId/disable')
  disable(@Param('clientId') clientId: string, @ApiClient() caller: ApiCaller): Promise<RelyingPartyView> {
    return this.relyingParties.setDisabled({ type: 'client', id: caller.clientId }, clientId, true);
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Réactive un client',
    responses: { 200: { description: 'Le client, réactivé', schema: CLIENT_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':clientId/enable')
  enable(@Param('clientId') clientId: string, @ApiClient() caller: ApiCaller): Promise<RelyingPartyView> {
    return this.relyingParties.setDisabled({ type: 'client', id: caller.clientId }, clientId, false);
  }
}
