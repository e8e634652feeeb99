import { Body, Controller, Get, HttpCode, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
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
  type ApiCaller,
  type Page,
} from '../../../platform/api';
import { notFound } from '../client-space.errors';
import type { ContactChangeRequest, DossierMessage } from '../entities/client-request.entity';
import type { SharedItem } from '../entities/shared-item.entity';
import type { FirmClient } from '../entities/firm-client.entity';
import type { FirmActor } from '../firm-audit';
import { FirmsService } from '../firms.service';
import { FrenchInterceptor } from './french.interceptor';
import { ItemsService, type ItemView } from '../items.service';
import { RequestsService } from '../requests.service';

const messageJson = (m: DossierMessage) => ({
  id: m.id,
  dossier_id: m.dossierId,
  client_id: m.clientId,
  author: m.author,
  author_name: m.authorName,
  subject: m.subject,
  body: m.body,
  attachments: m.attachments.map((a) => ({ name: a.name, type: a.type, size: a.size })),
  created_at: m.createdAt.toISOString(),
});

const requestJson = (r: ContactChangeRequest) => ({
  id: r.id,
  client_id: r.clientId,
  status: r.status,
  requested: r.requested,
  created_at: r.createdAt.toISOString(),
  decided_at: r.decidedAt?.toISOString() ?? null,
});

/** The firm's API client acting, for the audit trail. */
const apiActor = (caller: ApiCaller): FirmActor => ({ type: 'client', id: caller.clientId });

const text = (max: number) => [
  IsOptional(),
  IsString({ message: 'Ce champ doit contenir du texte.' }),
  MaxLength(max, { message: `Ce champ compte au plus ${max} caractères.` }),
];
const Text =
  (max: number) =>
  (target: object, key: string): void => {
    for (const decorator of text(max)) decorator(target, key);
  };

export class ApiClientBody {
  @IsIn(['personne', 'societe'], { message: 'Le type est « personne » ou « societe ».' }) kind!: string;
  @Text(200) company_name?: string;
  @Text(128) family_name?: string;
  @Text(128) given_name?: string;
  @Text(254) email?: string;
  @Text(300) address?: string;
  @Text(10) postal_code?: string;
  @Text(128) city?: string;
  @Text(30) phone?: string;
  @Text(30) mobile?: string;
}

export class ApiDossierBody {
  @Text(60) number?: string;
  @Text(200) label?: string;
  @Text(40) interlocutor_id?: string;
  @IsArray({ message: 'Donnez la liste des identifiants des clients.' })
  @IsString({ each: true, message: 'Un identifiant de client est une chaîne.' })
  @MaxLength(40, { each: true, message: 'Identifiant de client invalide.' })
  client_ids!: string[];
}

export class ApiReplyBody {
  @Text(40) client_id?: string;
  @Text(200) subject?: string;
  @IsOptional()
  @IsString({ message: 'Ce champ doit contenir du texte.' })
  @MaxLength(5000, { message: 'Le message compte au plus 5 000 caractères.' })
  body?: string;
}

export class ApiFileBody {
  @Text(200) name?: string;
  /** The file, in base64 (20 Mo at most once decoded). */
  @IsString({ message: 'Le contenu du fichier est une chaîne base64.' })
  @MaxLength(28_000_000, { message: 'Le fichier dépasse 20 Mo.' })
  content_base64!: string;
}

export class ApiItemBody {
  @IsIn(['document', 'rdv', 'facture', 'tache', 'temps', 'frais'], { message: 'Type d’élément inconnu.' })
  kind!: string;
  @Text(300) title?: string;
  /** AAAA-MM-JJ. */
  @Text(20) date?: string;
  @Text(300) place?: string;
  @Text(10) time?: string;
  @Text(60) invoice_number?: string;
  /** In euros: « 1250.50 ». */
  @Text(30) amount?: string;
  @Text(10) minutes?: string;
  @IsOptional() @IsBoolean({ message: '« share » vaut true ou false.' }) share?: boolean;
  @IsOptional() @ValidateNested() @Type(() => ApiFileBody) file?: ApiFileBody;
}

const ids = (position: readonly unknown[]): position is [string] =>
  position.length === 1 && typeof position[0] === 'string';

/** A page of rows sorted by id, after the cursor's id. */
function page<Row extends { id: string }, Item>(
  rows: Row[],
  query: CursorPageQuery,
  toItem: (r: Row) => Item,
): Page<Item> {
  const after = decodeCursor(query.cursor, ids)?.[0];
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const sorted = [...rows].sort((a, b) => a.id.localeCompare(b.id)).filter((r) => after === undefined || r.id > after);
  return pageOf(sorted.slice(0, limit + 1), limit, (r) => [r.id], toItem);
}

const clientJson = (c: FirmClient) => ({
  id: c.id,
  kind: c.kind,
  company_name: c.companyName,
  family_name: c.contact.familyName,
  given_name: c.contact.givenName,
  email: c.contact.email,
  address: c.contact.address,
  postal_code: c.contact.postalCode,
  city: c.contact.city,
  phone: c.contact.phone,
  mobile: c.contact.mobile,
});

const itemJson = (i: ItemView | SharedItem) => ({
  id: i.id,
  kind: i.kind,
  direction: i.direction,
  title: i.title,
  dossier_id: 'dossierId' in i ? i.dossierId : undefined,
  details: i.details,
  shared: 'shared' in i ? i.shared : Boolean(i.sharedAt),
});

/**
 * `/api/v1/firms/{firm}/…`: the firm's practice software reads and writes its client space. Tokens carry
 * `client-space:read` / `client-space:write` and are bound to one firm (`api_binding`): another firm's path, or another
 * firm's ids under its own path, is 404.
 */
@ApiTag('Espace client')
@UseInterceptors(FrenchInterceptor)
@Controller('api/v1/firms/:firm')
export class FirmsApiController {
  constructor(
    private readonly firms: FirmsService,
    private readonly items: ItemsService,
    private readonly requests: RequestsService,
  ) {}

  @ApiScopes('client-space:read')
  @ApiOperation({ summary: 'Liste les clients du cabinet' })
  @Get('clients')
  async clients(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Query() query: CursorPageQuery) {
    return page(await this.firms.clients(this.bound(caller, firm)), query, clientJson);
  }

  @ApiScopes('client-space:write')
  @ApiOperation({ summary: 'Invite un client à l’espace client (e-mail d’invitation : il choisit son mot de passe)' })
  @Idempotent()
  @Post('clients')
  async invite(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Body() body: ApiClientBody) {
    const client = await this.firms.inviteClient(
      this.bound(caller, firm),
      {
        kind: body.kind,
        companyName: body.company_name,
        contact: {
          familyName: body.family_name,
          givenName: body.given_name,
          email: body.email,
          address: body.address,
          postalCode: body.postal_code,
          city: body.city,
          phone: body.phone,
          mobile: body.mobile,
        },
      },
      apiActor(caller),
    );
    return clientJson(client);
  }

  @ApiScopes('client-space:read')
  @ApiOperation({ summary: 'Liste les dossiers du cabinet' })
  @Get('dossiers')
  async dossiers(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Query() query: CursorPageQuery) {
    return page(await this.firms.dossiers(this.bound(caller, firm)), query, (d) => d);
  }

  @ApiScopes('client-space:write')
  @ApiOperation({ summary: 'Ouvre un dossier' })
  @Idempotent()
  @Post('dossiers')
  async createDossier(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Body() body: ApiDossierBody) {
    const firmId = this.bound(caller, firm);
    const dossier = await this.firms.createDossier(
      firmId,
      {
        number: body.number ?? '',
        label: body.label ?? '',
        interlocutorId: body.interlocutor_id ?? '',
        clientIds: body.client_ids,
      },
      apiActor(caller),
    );
    return (await this.firms.summaries(firmId, [dossier]))[0];
  }

  @ApiScopes('client-space:read')
  @ApiOperation({ summary: 'Liste les éléments d’un dossier, partagés ou non' })
  @Get('dossiers/:dossier/items')
  async dossierItems(
    @ApiClient() caller: ApiCaller,
    @Param('firm') firm: string,
    @Param('dossier') dossier: string,
    @Query() query: CursorPageQuery,
  ) {
    return page(await this.items.ofDossier(this.bound(caller, firm), dossier), query, itemJson);
  }

  @ApiScopes('client-space:write')
  @ApiOperation({
    summary: 'Ajoute un élément à un dossier (document avec son fichier, rendez-vous, facture…), partagé ou non',
  })
  @Idempotent()
  @Post('dossiers/:dossier/items')
  async addItem(
    @ApiClient() caller: ApiCaller,
    @Param('firm') firm: string,
    @Param('dossier') dossier: string,
    @Body() body: ApiItemBody,
  ) {
    const item = await this.items.create(
      this.bound(caller, firm),
      dossier,
      {
        kind: body.kind,
        title: body.title ?? '',
        date: body.date ?? '',
        place: body.place,
        time: body.time,
        invoiceNumber: body.invoice_number,
        amount: body.amount,
        minutes: body.minutes,
        share: body.share ?? false,
        file: body.file
          ? { name: body.file.name ?? 'document', data: Buffer.from(body.file.content_base64, 'base64') }
          : undefined,
      },
      apiActor(caller),
    );
    return itemJson(item);
  }

  @ApiScopes('client-space:write')
  @ApiOperation({ summary: 'Partage un élément avec les clients du dossier (ils en sont avertis par e-mail)' })
  @HttpCode(200)
  @Post('items/:item/share')
  async share(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Param('item') itemId: string) {
    const firmId = this.bound(caller, firm);
    await this.items.share(firmId, itemId, apiActor(caller));
    return itemJson(await this.items.itemOfFirm(firmId, itemId));
  }

  @ApiScopes('client-space:write')
  @ApiOperation({ summary: 'Retire le partage d’un élément' })
  @HttpCode(200)
  @Post('items/:item/unshare')
  async unshare(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Param('item') itemId: string) {
    const firmId = this.bound(caller, firm);
    await this.items.unshare(firmId, itemId, apiActor(caller));
    return itemJson(await this.items.itemOfFirm(firmId, itemId));
  }

  @ApiScopes('client-space:read')
  @ApiOperation({ summary: 'Liste les messages des dossiers (clients et cabinet)' })
  @Get('messages')
  async messages(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Query() query: CursorPageQuery) {
    return page(await this.requests.messagesOfFirm(this.bound(caller, firm)), query, messageJson);
  }

  @ApiScopes('client-space:write')
  @ApiOperation({ summary: 'Répond à un client dans le fil d’un dossier (il en est averti par e-mail)' })
  @Idempotent()
  @Post('dossiers/:dossier/messages')
  async reply(
    @ApiClient() caller: ApiCaller,
    @Param('firm') firm: string,
    @Param('dossier') dossierId: string,
    @Body() body: ApiReplyBody,
  ) {
    const firmId = this.bound(caller, firm);
    const dossier = await this.firms.dossier(firmId, dossierId);
    const message = await this.requests.reply(firmId, dossier, apiActor(caller), {
      client: body.client_id,
      subject: body.subject,
      body: body.body,
    });
    return messageJson(message);
  }

  @ApiScopes('client-space:write')
  @ApiOperation({ summary: 'Accepte une demande de mise à jour des coordonnées (le client en est averti)' })
  @HttpCode(200)
  @Post('contact-change-requests/:request/accept')
  async accept(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Param('request') requestId: string) {
    const firmId = this.bound(caller, firm);
    await this.requests.decide(firmId, requestId, true, apiActor(caller));
    return requestJson(await this.requests.contactChange(firmId, requestId));
  }

  @ApiScopes('client-space:write')
  @ApiOperation({ summary: 'Refuse une demande de mise à jour des coordonnées (le client en est averti)' })
  @HttpCode(200)
  @Post('contact-change-requests/:request/reject')
  async reject(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Param('request') requestId: string) {
    const firmId = this.bound(caller, firm);
    await this.requests.decide(firmId, requestId, false, apiActor(caller));
    return requestJson(await this.requests.contactChange(firmId, requestId));
  }

  @ApiScopes('client-space:read')
  @ApiOperation({ summary: 'Liste les demandes de mise à jour des coordonnées en attente' })
  @Get('contact-change-requests')
  async contactChanges(@ApiClient() caller: ApiCaller, @Param('firm') firm: string, @Query() query: CursorPageQuery) {
    const pending = await this.requests.pendingContactChanges(this.bound(caller, firm));
    return page(
      pending.map(({ request }) => request),
      query,
      requestJson,
    );
  }

  /** The firm of the path, when the token is bound to it; otherwise 404, as for anything that belongs to another. */
  private bound(caller: ApiCaller, firm: string): string {
    if (caller.binding?.kind !== 'firm' || caller.binding.id !== firm) throw notFound('firm');
    return firm;
  }
}
