import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
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
import { SubscriptionsError, SubscriptionsErrorCode } from '../subscriptions.errors';
import { SubscriptionsService } from '../subscriptions.service';
import { PRODUCT_SCHEMA, productJson, UUID_PARAM } from './api-views';
import { PublisherReachService, reachOf } from './publisher-reach';
import { CreateProductDto } from './subscriptions-api.dto';

/**
 * `/api/v1/products`: the publisher's catalogue. A client bound to a product (`--api-binding product:<code>`) sees
 * that product only, and creates none; an unbound client sees and creates every product (docs/adr/0004).
 */
@ApiTag('Abonnements — produits')
@Controller('api/v1/products')
export class ProductsApiController {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly reach: PublisherReachService,
  ) {}

  @ApiScopes('subscriptions:read')
  @ApiOperation({
    summary: 'Liste les produits (par code)',
    responses: { 200: { description: 'Une page de produits', schema: pageSchema(PRODUCT_SCHEMA) } },
  })
  @Get()
  async list(@Query() query: CursorPageQuery, @ApiClient() caller: ApiCaller) {
    const after = decodeCursor(
      query.cursor,
      (p): p is [string] => p.length === 1 && typeof p[0] === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(p[0]),
    );
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.reach.products(reachOf(caller), { afterCode: after?.[0], limit: limit + 1 });
    return pageOf(rows, limit, (row) => [row.code], productJson);
  }

  @ApiScopes('subscriptions:read')
  @ApiOperation({
    summary: 'Lit un produit',
    responses: { 200: { description: 'Le produit', schema: PRODUCT_SCHEMA } },
  })
  @Get(':id')
  async get(@Param('id', UUID_PARAM) id: string, @ApiClient() caller: ApiCaller) {
    const [product] = await this.reach.products(reachOf(caller), { id });
    if (!product) throw new SubscriptionsError(SubscriptionsErrorCode.PRODUCT_NOT_FOUND, 'Produit introuvable.');
    return productJson(product);
  }

  @ApiScopes('subscriptions:write')
  @ApiOperation({
    summary: 'Déclare un produit (client non lié à un produit seulement)',
    description:
      'Le code est unique ; un client OpenID appartient à un produit au plus. Sans subscription_required=false, seuls ' +
      'les membres d’un abonnement en cours entrent sur les sites du produit. Une marque (brand) dont la couleur a un ' +
      'contraste sous 4,5:1 avec le blanc (WCAG 2.1 AA), ou dont le logo n’est ni https:// ni un chemin de ce site, ' +
      'est refusée (400) et rien n’est créé.',
    responses: { 201: { description: 'Créé', schema: PRODUCT_SCHEMA } },
  })
  @Idempotent()
  @Post()
  async create(@Body() body: CreateProductDto, @ApiClient() caller: ApiCaller) {
    if (reachOf(caller).kind !== 'all')
      throw new SubscriptionsError(
        SubscriptionsErrorCode.OUTSIDE_API_BINDING,
        'Ce client est lié à un produit : il ne peut pas en déclarer d’autres. Seul un client de l’éditeur (sans liaison) déclare des produits.',
      );
    const created = await this.subscriptions.addProduct(
      {
        code: body.code,
        name: body.name,
        url: body.url,
        sections: body.sections?.map((s) => ({ code: s.code, name: s.name })),
        clientIds: body.client_ids,
        subscriptionRequired: body.subscription_required,
        brand: body.brand && {
          name: body.brand.name,
          logoUrl: body.brand.logo_url,
          primaryColor: body.brand.primary_color,
        },
      },
      { type: 'client', id: caller.clientId },
    );
    const [product] = await this.reach.products({ kind: 'all' }, { id: created.id });
    return productJson(product);
  }
}
