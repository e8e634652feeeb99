import { Controller, Get, Post } from '@nestjs/common';
import { ApiClient, ApiOperation, ApiScopes, ApiTag, type ApiCaller, type JsonSchema } from '../../../platform/api';
import { AuditService } from '../../../platform/audit';
import { SigningKeyStore } from '../../oidc';

interface KeyView {
  kid: string;
  alg: string;
  state: 'signe' | 'publiée' | 'retirée';
  createdAt: Date;
  activatesAt: Date;
  retiredAt: Date | null;
}

const KEY_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    kid: { type: 'string' },
    alg: { enum: ['RS256', 'ES256', 'EdDSA'] },
    state: { enum: ['signe', 'publiée', 'retirée'], description: 'signe maintenant, publiée (signera), retirée' },
    createdAt: { type: 'string', format: 'date-time' },
    activatesAt: { type: 'string', format: 'date-time' },
    retiredAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

function stateOf(key: { activatesAt: Date; retiredAt: Date | null }, now: Date): KeyView['state'] {
  if (key.retiredAt && key.retiredAt <= now) return 'retirée';
  return key.activatesAt <= now ? 'signe' : 'publiée';
}

/** `/api/v1/admin/keys`: the provider's signing keys (never their private part) and their rotation. */
@ApiTag('Administration — clés')
@Controller('api/v1/admin/keys')
export class AdminKeysApiController {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly audit: AuditService,
  ) {}

  @ApiScopes('admin:read')
  @ApiOperation({
    summary: 'Liste les clés de signature',
    responses: {
      200: {
        description: 'Les clés, les plus récentes d’abord',
        schema: { type: 'object', properties: { data: { type: 'array', items: KEY_SCHEMA } } },
      },
    },
  })
  @Get()
  async list(): Promise<{ data: KeyView[] }> {
    const now = new Date();
    return {
      data: (await this.keys.list()).map((k) => ({
        kid: k.kid,
        alg: k.alg,
        state: stateOf(k, now),
        createdAt: k.createdAt,
        activatesAt: k.activatesAt,
        retiredAt: k.retiredAt,
      })),
    };
  }

  @ApiScopes('admin:write')
  @ApiOperation({
    summary: 'Publie de nouvelles clés, qui signeront après le délai de publication (10 minutes)',
    responses: {
      201: {
        description: 'Les nouvelles clés',
        schema: { type: 'object', properties: { data: { type: 'array', items: KEY_SCHEMA } } },
      },
    },
  })
  @Post('rotate')
  async rotate(@ApiClient() caller: ApiCaller): Promise<{ data: KeyView[] }> {
    const now = new Date();
    const before = (await this.keys.list()).filter((k) => stateOf(k, now) !== 'retirée').map((k) => k.kid);
    const created = await this.keys.rotate();
    await this.audit.record({
      actor: { type: 'client', id: caller.clientId },
      action: 'admin.keys.rotated',
      target: { type: 'signing_keys' },
      outcome: 'success',
      details: { before: { keys: before }, after: { newKeys: created.map((k) => k.kid) } },
    });
    return {
      data: created.map((k) => ({
        kid: k.kid,
        alg: k.alg,
        state: stateOf(k, now),
        createdAt: k.createdAt,
        activatesAt: k.activatesAt,
        retiredAt: k.retiredAt,
      })),
    };
  }
}
