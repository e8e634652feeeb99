import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiClient, ApiOperation, ApiScopes, ApiTag, type ApiCaller, type JsonSchema } from '../../../platform/api';
import { IdentityService, type AccountView } from '../../identity';
import { AccountAdministrationService, type AccountAction } from '../account-administration.service';
import { AccountDeletionQuery, AccountSearchQuery } from './admin-api.dto';

export const ACCOUNT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    identifier: { type: 'string' },
    email: { type: 'string', format: 'email' },
    emailVerified: { type: 'boolean' },
    givenName: { type: ['string', 'null'] },
    familyName: { type: ['string', 'null'] },
    status: { enum: ['active', 'pending', 'disabled'] },
    origin: { type: 'string' },
    hasPassword: { type: 'boolean' },
    termsVersion: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

const ACTIONS = {
  disable: 'disabled',
  enable: 'enabled',
  'resend-activation': 'activation_resent',
  'send-password-reset': 'password_reset_sent',
  'end-sessions': 'sessions_ended',
} as const satisfies Record<string, AccountAction>;

/** `/api/v1/admin/accounts`: the console's « Comptes » for operator clients, through the same services. */
@ApiTag('Administration — comptes')
@Controller('api/v1/admin/accounts')
export class AdminAccountsApiController {
  constructor(
    private readonly identity: IdentityService,
    private readonly administration: AccountAdministrationService,
  ) {}

  @ApiScopes('admin:read')
  @ApiOperation({
    summary: 'Cherche des comptes (identifiant, adresse, nom, SIREN ; statut)',
    responses: {
      200: {
        description: 'Les comptes, les plus récents d’abord',
        schema: { type: 'object', properties: { data: { type: 'array', items: ACCOUNT_SCHEMA } } },
      },
    },
  })
  @Get()
  async search(@Query() query: AccountSearchQuery): Promise<{ data: AccountView[] }> {
    return { data: await this.identity.search({ text: query.q, status: query.status, limit: query.limit ?? 50 }) };
  }

  @ApiScopes('admin:read')
  @ApiOperation({ summary: 'Un compte', responses: { 200: { description: 'Le compte', schema: ACCOUNT_SCHEMA } } })
  @Get(':id')
  get(@Param('id') id: string): Promise<AccountView> {
    return this.administration.get(id);
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Désactive le compte (ses sessions sont terminées)',
    responses: { 200: { description: 'Le compte après', schema: ACCOUNT_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':id/disable')
  disable(@Param('id') id: string, @ApiClient() caller: ApiCaller): Promise<AccountView> {
    return this.act(id, 'disable', caller);
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Réactive le compte',
    responses: { 200: { description: 'Le compte après', schema: ACCOUNT_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':id/enable')
  enable(@Param('id') id: string, @ApiClient() caller: ApiCaller): Promise<AccountView> {
    return this.act(id, 'enable', caller);
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Renvoie le lien d’activation',
    responses: { 200: { description: 'Le compte', schema: ACCOUNT_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':id/resend-activation')
  resendActivation(@Param('id') id: string, @ApiClient() caller: ApiCaller): Promise<AccountView> {
    return this.act(id, 'resend-activation', caller);
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Envoie un lien de réinitialisation du mot de passe au titulaire',
    responses: { 200: { description: 'Le compte', schema: ACCOUNT_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':id/send-password-reset')
  sendPasswordReset(@Param('id') id: string, @ApiClient() caller: ApiCaller): Promise<AccountView> {
    return this.act(id, 'send-password-reset', caller);
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Termine toutes les sessions du compte',
    responses: { 200: { description: 'Le compte', schema: ACCOUNT_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':id/end-sessions')
  endSessions(@Param('id') id: string, @ApiClient() caller: ApiCaller): Promise<AccountView> {
    return this.act(id, 'end-sessions', caller);
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Supprime le compte',
    description: 'Définitif : le titulaire est prévenu par courriel. `?confirmation=` répète l’identifiant du compte.',
    responses: { 204: { description: 'Supprimé' } },
  })
  @HttpCode(204)
  @Delete(':id')
  async delete(
    @Param('id') id: string,
    @Query() query: AccountDeletionQuery,
    @ApiClient() caller: ApiCaller,
  ): Promise<void> {
    await this.administration.delete({ type: 'client', id: caller.clientId }, id, query.confirmation);
  }

  private act(id: string, name: keyof typeof ACTIONS, caller: ApiCaller): Promise<AccountView> {
    return this.administration.act({ type: 'client', id: caller.clientId }, id, ACTIONS[name]);
  }
}
