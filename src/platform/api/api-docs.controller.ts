import { Controller, Get, Header, Inject, Render } from '@nestjs/common';
import { SetMetadata } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config';
import { ACCESS_POLICY, type AccessPolicy } from '../http/access-policy';
import { t } from '../i18n/i18n';
import { ApiCatalog } from './api-catalog';
import { openApiDocument } from './openapi';

/** The documentation is readable without a token (a browser cannot send one); it holds no data. */
const ApiDocumentation = () => SetMetadata(ACCESS_POLICY, { kind: 'api-documentation' } satisfies AccessPolicy);

interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  'x-scopes': string[];
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: unknown;
}

/** `/api/docs`: a readable listing of the API's operations; `/api/docs/openapi.json`: the OpenAPI 3.1 document. */
@Controller('api/docs')
@ApiDocumentation()
export class ApiDocsController {
  private document: Record<string, unknown> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly catalog: ApiCatalog,
  ) {}

  @Get('openapi.json')
  @Header('Cache-Control', 'no-cache')
  openApi(): Record<string, unknown> {
    return (this.document ??= openApiDocument(this.config, this.catalog.routes()));
  }

  @Get()
  @Render('platform/api/views/api-docs.njk')
  page(): Record<string, unknown> {
    const document = this.openApi();
    const paths = document.paths as Record<string, Record<string, Operation>>;
    const groups = new Map<string, Array<Record<string, unknown>>>();
    for (const [path, methods] of Object.entries(paths))
      for (const [method, operation] of Object.entries(methods)) {
        const group = operation.tags[0] ?? 'API';
        if (!groups.has(group)) groups.set(group, []);
        groups.get(group)!.push({
          method: method.toUpperCase(),
          path,
          summary: operation.summary,
          description: operation.description,
          scopes: operation['x-scopes'],
          query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
          idempotent: (operation.parameters ?? []).some((p) => p.name === 'Idempotency-Key'),
        });
      }
    return {
      title: t('platform:apiDocs.title'),
      resource: `${this.config.publicUrl}/api`,
      tokenUrl: `${this.config.issuer}/token`,
      groups: [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, operations]) => ({
          name,
          operations,
        })),
    };
  }
}
