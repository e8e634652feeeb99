import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiClient,
  ApiOperation,
  ApiScopes,
  ApiTag,
  parseApiBinding,
  type ApiCaller,
  type JsonSchema,
} from '../../../platform/api';
import { RelyingPartiesService, type RelyingPartyView } from '../relying-parties.service';
import { CreateClientDto } from './admin-api.dto';

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
}
