import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
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
import { IDENTITY_FIELDS, identityValues, readIdentity, type IdentityField } from '../company-identity';
import { STATEMENTS_MAILBOXES, type CompanyAccount, type CompanyStatus } from '../entities/company-account.entity';
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
    password_reset_required: {
      type: 'boolean',
      description: 'Compte secondaire passé à une boîte mail : son mot de passe doit être réinitialisé pour y accéder',
    },
    created_at: { type: 'string', format: 'date-time' },
  },
};

/** The « Identité » fields as the API names them (snake_case), and the pages' names. */
const IDENTITY_API_NAMES = Object.fromEntries(
  IDENTITY_FIELDS.map((field) => [field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), field]),
) as Record<string, IdentityField>;

/** The seed's warning when a secondary account without mailbox gets one. */
const MAILBOX_WARNING =
  'ATTENTION : pour pouvoir accéder à sa boîte mail, le titulaire du compte secondaire devra impérativement réinitialiser son mot de passe.';

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
 * « Modifier un compte secondaire » through the API: what is sent changes, what is left out stays (the « Options » and
 * « Identité » tabs' rules). Any other field (`siren`, `login`, `status`, `secondary_quota`…) is refused.
 */
export class UpdateSecondaryAccountDto {
  @IsOptional() @IsBoolean({ message: 'autonomous est un booléen.' }) autonomous?: boolean;
  @IsOptional() @IsBoolean({ message: 'mailbox est un booléen.' }) mailbox?: boolean;

  @IsOptional()
  @IsString({ each: true, message: 'teleprocedures est une liste de codes.' })
  @MaxLength(32, { each: true, message: 'Un code de téléprocédure compte 32 caractères au plus.' })
  teleprocedures?: string[];

  @IsOptional() @IsBoolean({ message: 'statements_subscribed est un booléen.' }) statements_subscribed?: boolean;
  @IsOptional() @IsBoolean({ message: 'statements_alert est un booléen.' }) statements_alert?: boolean;
  @IsOptional()
  @IsIn(Object.keys(STATEMENTS_MAILBOXES), { message: 'statements_mailbox : default ou dedicated.' })
  statements_mailbox?: string;
  @IsOptional() @IsBoolean({ message: 'archiving_subscribed est un booléen.' }) archiving_subscribed?: boolean;

  @IsOptional()
  @IsString({ message: 'nic est une chaîne.' })
  @MaxLength(254, { message: 'nic : 254 caractères au plus.' })
  nic?: string;
  @IsOptional()
  @IsString({ message: 'name est une chaîne.' })
  @MaxLength(254, { message: 'name : 254 caractères au plus.' })
  name?: string;
  @IsOptional()
  @IsString({ message: 'legal_representative est une chaîne.' })
  @MaxLength(254, { message: 'legal_representative : 254 caractères au plus.' })
  legal_representative?: string;
  @IsOptional()
  @IsString({ message: 'civility est une chaîne.' })
  @MaxLength(254, { message: 'civility : 254 caractères au plus.' })
  civility?: string;
  @IsOptional()
  @IsString({ message: 'family_name est une chaîne.' })
  @MaxLength(254, { message: 'family_name : 254 caractères au plus.' })
  family_name?: string;
  @IsOptional()
  @IsString({ message: 'given_name est une chaîne.' })
  @MaxLength(254, { message: 'given_name : 254 caractères au plus.' })
  given_name?: string;
  @IsOptional()
  @IsString({ message: 'street_number est une chaîne.' })
  @MaxLength(254, { message: 'street_number : 254 caractères au plus.' })
  street_number?: string;
  @IsOptional()
  @IsString({ message: 'street_suffix est une chaîne.' })
  @MaxLength(254, { message: 'street_suffix : 254 caractères au plus.' })
  street_suffix?: string;
  @IsOptional()
  @IsString({ message: 'street_name est une chaîne.' })
  @MaxLength(254, { message: 'street_name : 254 caractères au plus.' })
  street_name?: string;
  @IsOptional()
  @IsString({ message: 'address_complement est une chaîne.' })
  @MaxLength(254, { message: 'address_complement : 254 caractères au plus.' })
  address_complement?: string;
  @IsOptional()
  @IsString({ message: 'po_box est une chaîne.' })
  @MaxLength(254, { message: 'po_box : 254 caractères au plus.' })
  po_box?: string;
  @IsOptional()
  @IsString({ message: 'postal_code est une chaîne.' })
  @MaxLength(254, { message: 'postal_code : 254 caractères au plus.' })
  postal_code?: string;
  @IsOptional()
  @IsString({ message: 'city est une chaîne.' })
  @MaxLength(254, { message: 'city : 254 caractères au plus.' })
  city?: string;
  @IsOptional()
  @IsString({ message: 'country est une chaîne.' })
  @MaxLength(254, { message: 'country : 254 caractères au plus.' })
  country?: string;
  @IsOptional()
  @IsString({ message: 'email est une chaîne.' })
  @MaxLength(254, { message: 'email : 254 caractères au plus.' })
  email?: string;
  @IsOptional()
  @IsString({ message: 'phone est une chaîne.' })
  @MaxLength(254, { message: 'phone : 254 caractères au plus.' })
  phone?: string;
  @IsOptional()
  @IsString({ message: 'fax est une chaîne.' })
  @MaxLength(254, { message: 'fax : 254 caractères au plus.' })
  fax?: string;
  @IsOptional()
  @IsString({ message: 'technical_contact_name est une chaîne.' })
  @MaxLength(254, { message: 'technical_contact_name : 254 caractères au plus.' })
  technical_contact_name?: string;
  @IsOptional()
  @IsString({ message: 'technical_contact_email est une chaîne.' })
  @MaxLength(254, { message: 'technical_contact_email : 254 caractères au plus.' })
  technical_contact_email?: string;
  @IsOptional()
  @IsString({ message: 'technical_contact_phone est une chaîne.' })
  @MaxLength(254, { message: 'technical_contact_phone : 254 caractères au plus.' })
  technical_contact_phone?: string;
  @IsOptional()
  @IsString({ message: 'administrative_contact_name est une chaîne.' })
  @MaxLength(254, { message: 'administrative_contact_name : 254 caractères au plus.' })
  administrative_contact_name?: string;
  @IsOptional()
  @IsString({ message: 'administrative_contact_email est une chaîne.' })
  @MaxLength(254, { message: 'administrative_contact_email : 254 caractères au plus.' })
  administrative_contact_email?: string;
  @IsOptional()
  @IsString({ message: 'administrative_contact_phone est une chaîne.' })
  @MaxLength(254, { message: 'administrative_contact_phone : 254 caractères au plus.' })
  administrative_contact_phone?: string;
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

  @ApiScopes('company-accounts:write')
  @ApiOperation({
    summary:
      'Modifie un compte secondaire (identité, boîte mail, autonomie, services, téléprocédures au plus celles du principal)',
    responses: {
      200: {
        description:
          'Modifié ; `warning` quand le compte passe à une boîte mail (son mot de passe doit être réinitialisé)',
        schema: COMPANY_SCHEMA,
      },
    },
  })
  @Patch(':id/secondary-accounts/:secondaryId')
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('secondaryId', ParseUUIDPipe) secondaryId: string,
    @Body() body: UpdateSecondaryAccountDto,
    @ApiClient() caller: ApiCaller,
  ) {
    const primary = await this.primary(id, caller);
    const secondary = await this.secondaries.get(primary, secondaryId);
    const actor = { type: 'client' as const, id: caller.clientId };
    const fields = body as unknown as Record<string, string | undefined>;

    // « Identité »: what is sent over what is stored, checked before anything is written (all or nothing).
    const sent = Object.keys(IDENTITY_API_NAMES).filter((name) => fields[name] !== undefined);
    const identity = sent.length ? identityValues(secondary) : undefined;
    for (const name of sent) identity![IDENTITY_API_NAMES[name]] = fields[name]!;
    if (identity) {
      const { errors } = readIdentity(secondary.siren, identity);
      if (Object.keys(errors).length > 0)
        throw new SecondaryAccountsError(
          SecondaryAccountsErrorCode.FORM_INVALID,
          'Le formulaire contient des erreurs.',
          errors,
        );
    }

    // « Options »: the pages' use case (quota under lock, mailbox webhook, reset required, never beyond the primary).
    const options = [
      body.autonomous,
      body.mailbox,
      body.teleprocedures,
      body.statements_subscribed,
      body.statements_alert,
      body.statements_mailbox,
      body.archiving_subscribed,
    ];
    let mailboxSwitchedOn = false;
    if (options.some((value) => value !== undefined)) {
      const result = await this.secondaries.updateOptions(
        primary,
        secondary.id,
        {
          mailbox: body.mailbox ?? secondary.hasMailbox,
          autonomous: body.autonomous ?? secondary.autonomous,
          services: {
            statementsSubscribed: body.statements_subscribed ?? secondary.statementsSubscribed,
            statementsAlert: body.statements_alert ?? secondary.statementsAlert,
            statementsMailbox: body.statements_mailbox ?? secondary.statementsMailbox,
            archivingSubscribed: body.archiving_subscribed ?? secondary.archivingSubscribed,
          },
          teleprocedures: body.teleprocedures ?? (await this.teleprocedures.of(secondary.id)),
        },
        actor,
      );
      mailboxSwitchedOn = result.mailboxSwitchedOn;
    }
    if (identity) await this.secondaries.updateIdentity(primary, secondary.id, identity, actor);
    return {
      ...(await this.view(await this.secondaries.get(primary, secondary.id))),
      ...(mailboxSwitchedOn ? { warning: MAILBOX_WARNING } : {}),
    };
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
      ...(company.profile === 'secondary' ? { password_reset_required: company.passwordResetRequired } : {}),
      created_at: company.createdAt.toISOString(),
    };
  }
}
