import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
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
  type JsonSchema,
} from '../../../platform/api';
import { CompanyAccounts } from '../company-accounts.service';
import type { CompanyAccount, CompanyStatus } from '../entities/company-account.entity';
import { SecondaryAccountsError, SecondaryAccountsErrorCode } from '../secondary-accounts.errors';
import { SecondaryAccounts } from '../secondary-accounts.service';
import { Teleprocedures } from '../teleprocedures.service';

const COMPANY_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['id', 'login', 'file_number', 'siren', 'siret', 'name', 'type', 'account_type', 'status', 'test'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    file_number: { type: 'integer', description: 'N° Dossier' },
    login: { type: 'string', description: 'Nom du compte (cs1.asp1ent pour un compte secondaire)' },
    siren: { type: 'string' },
    siret: { type: ['string', 'null'] },
    name: { type: 'string', description: 'Raison sociale' },
    type: { type: 'string', enum: ['entreprise', 'oga', 'expert-comptable'] },
    account_type: { type: 'string', enum: ['primary', 'secondary'] },
    status: { type: 'string', enum: ['open', 'closed', 'validated'] },
    test: { type: 'boolean' },
    mailbox: { type: ['string', 'null'], description: 'Adresse de la boîte mail (BAL), ou null' },
    autonomous: { type: 'boolean' },
    secondary_quota: { type: 'integer', description: 'Nombre de comptes secondaires souhaités (compte principal)' },
    teleprocedures: { type: 'array', items: { type: 'string' } },
    created_at: { type: 'string', format: 'date-time' },
  },
};

/** The search of a primary's secondary accounts, paged by login. */
export class SecondaryAccountsQuery extends CursorPageQuery {
  @IsOptional() @IsString() @MaxLength(20) siret?: string;
  @IsOptional()
  @IsIn(['open', 'closed', 'validated'], { message: 'Statut : open, closed ou validated.' })
  status?: CompanyStatus;
  @IsOptional() @IsString() @MaxLength(100) name?: string;
}

/** « Créer un compte secondaire » through the API. */
export class CreateSecondaryAccountDto {
  @IsString({ message: 'Le nom du compte est obligatoire (cs1 donne cs1.<compte principal>).' })
  @MaxLength(40, { message: 'Le nom du compte compte 40 caractères au plus.' })
  name!: string;

  @IsString({ message: 'Le mot de passe est obligatoire.' })
  @MaxLength(200, { message: 'Le mot de passe compte 200 caractères au plus.' })
  password!: string;

  @IsOptional() @IsBoolean({ message: 'autonomous est un booléen.' }) autonomous?: boolean;
  @IsOptional() @IsBoolean({ message: 'mailbox est un booléen.' }) mailbox?: boolean;

  @IsOptional()
  @IsString({ each: true, message: 'teleprocedures est une liste de codes.' })
  @MaxLength(32, { each: true, message: 'Un code de téléprocédure compte 32 caractères au plus.' })
  teleprocedures?: string[];
}

/**
 * `/api/v1/company-accounts/{id}`: a company's primary account and its secondary accounts, for a client bound to that
 * company (`--api-binding company:<primary account id>`). Any other id, another company's included, is a 404 problem,
 * as for the pages. The use cases are the pages' (`SecondaryAccounts`): the quota, the suffixed name and the
 * téléprocédures never beyond the primary's hold the same way.
 */
@ApiTag('Comptes entreprise')
@Controller('api/v1/company-accounts')
export class CompanyAccountsApiController {
  constructor(
    private readonly companies: CompanyAccounts,
    private readonly secondaries: SecondaryAccounts,
    private readonly teleprocedures: Teleprocedures,
  ) {}

  @ApiScopes('company-accounts:read')
  @ApiOperation({
    summary: 'Le compte entreprise principal lié au client',
    responses: { 200: { description: 'Le compte principal', schema: COMPANY_SCHEMA } },
  })
  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string, @ApiClient() caller: ApiCaller) {
    return this.view(await this.primary(id, caller));
  }

  @ApiScopes('company-accounts:read')
  @ApiOperation({
    summary: 'Liste les comptes secondaires (recherche par SIRET, statut, nom)',
    responses: { 200: { description: 'Une page, par nom de compte', schema: pageSchema(COMPANY_SCHEMA) } },
  })
  @Get(':id/secondary-accounts')
  async list(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: SecondaryAccountsQuery,
    @ApiClient() caller: ApiCaller,
  ) {
    const primary = await this.primary(id, caller);
    const after = decodeCursor(query.cursor, (p): p is [string] => p.length === 1 && typeof p[0] === 'string');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.secondaries.list(primary, {
      siret: query.siret,
      status: query.status,
      name: query.name,
      afterLogin: after?.[0],
      limit: limit + 1,
    });
    const items = await Promise.all(rows.map((row) => this.view(row)));
    return pageOf(items, limit, (item) => [item.login]);
  }

  @ApiScopes('company-accounts:write')
  @ApiOperation({
    summary: 'Crée un compte secondaire (dans le quota de boîtes mail, avec au plus les téléprocédures du principal)',
    responses: { 201: { description: 'Créé', schema: COMPANY_SCHEMA } },
  })
  @Idempotent()
  @Post(':id/secondary-accounts')
  async create(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CreateSecondaryAccountDto,
    @ApiClient() caller: ApiCaller,
  ) {
    const primary = await this.primary(id, caller);
    const created = await this.secondaries.create(
      primary,
      {
        name: body.name,
        password: body.password,
        passwordConfirmation: body.password,
        autonomous: body.autonomous ?? false,
        mailbox: body.mailbox ?? false,
        teleprocedures: body.teleprocedures ?? [],
      },
      { type: 'client', id: caller.clientId },
    );
    return this.view(await this.secondaries.get(primary, created.id));
  }

  @ApiScopes('company-accounts:write')
  @ApiOperation({
    summary: 'Désactive un compte secondaire (ses sessions et autorisations prennent fin)',
    responses: { 200: { description: 'Désactivé', schema: COMPANY_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':id/secondary-accounts/:secondaryId/deactivate')
  async deactivate(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('secondaryId', ParseUUIDPipe) secondaryId: string,
    @ApiClient() caller: ApiCaller,
  ) {
    const primary = await this.primary(id, caller);
    await this.secondaries.deactivate(primary, secondaryId, { type: 'client', id: caller.clientId });
    return this.view(await this.secondaries.get(primary, secondaryId));
  }

  @ApiScopes('company-accounts:write')
  @ApiOperation({
    summary: 'Réactive un compte secondaire',
    responses: { 200: { description: 'Réactivé', schema: COMPANY_SCHEMA } },
  })
  @HttpCode(200)
  @Post(':id/secondary-accounts/:secondaryId/reactivate')
  async reactivate(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('secondaryId', ParseUUIDPipe) secondaryId: string,
    @ApiClient() caller: ApiCaller,
  ) {
    const primary = await this.primary(id, caller);
    await this.secondaries.reactivate(primary, secondaryId, { type: 'client', id: caller.clientId });
    return this.view(await this.secondaries.get(primary, secondaryId));
  }

  /** The primary account the client is bound to; any other id is « introuvable ». */
  private async primary(id: string, caller: ApiCaller): Promise<CompanyAccount> {
    const primary =
      caller.binding?.kind === 'company' && caller.binding.id === id ? await this.companies.primaryById(id) : undefined;
    if (!primary)
      throw new SecondaryAccountsError(SecondaryAccountsErrorCode.COMPANY_ACCOUNT_NOT_FOUND, 'Compte introuvable.');
    return primary;
  }

  private async view(company: CompanyAccount) {
    return {
      id: company.id,
      file_number: company.fileNumber,
      login: company.login,
      siren: company.siren,
      siret: company.nic ? company.siren + company.nic : null,
      name: company.name,
      type: company.type,
      account_type: company.profile,
      status: company.status,
      test: company.test,
      mailbox: company.mailboxAddress,
      autonomous: company.autonomous,
      ...(company.profile === 'primary' ? { secondary_quota: company.secondaryQuota } : {}),
      teleprocedures: await this.teleprocedures.of(company.id),
      created_at: company.createdAt.toISOString(),
    };
  }
}
