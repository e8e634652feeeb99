import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Body, Controller, Get, Module, Post, Query } from '@nestjs/common';
import { IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { decodeJwt, decodeProtectedHeader, SignJWT, importJWK } from 'jose';
import request from 'supertest';
import { OidcProviderService, ResourceServerRegistry, SigningKeyStore } from '../../src/modules/oidc';
import {
  ApiClient,
  ApiOperation,
  ApiScopes,
  ApiTag,
  CursorPageQuery,
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  Idempotent,
  pageOf,
  type ApiCaller,
} from '../../src/platform/api';
import { DomainError } from '../../src/platform/errors';
import { apiToken, registerApiClient, requestToken, type ApiClientCredentials } from '../support/api';
import { apiRoutes, isUnder, policyProblems, routeInventory } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

class ThingDto {
  @IsString({ message: 'Le nom doit être une chaîne.' })
  @MaxLength(50, { message: 'Le nom fait au plus 50 caractères.' })
  name: string;

  @IsOptional()
  @IsInt({ message: 'La quantité doit être un nombre entier.' })
  quantity?: number;
}

class ProbeConflict extends DomainError {
  constructor() {
    super('PROBE_CONFLICT', 'conflict', 'Cet objet existe déjà.');
  }
}

const NUMBERS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1 }));

/** API routes that exist only in this test, to exercise the API layer. */
@ApiTag('Essai')
@Controller('api/v1/essai')
class ApiProbeController {
  private created = 0;

  @ApiScopes('admin:read')
  @ApiOperation({ summary: 'Qui appelle' })
  @Get('moi')
  me(@ApiClient() caller: ApiCaller): ApiCaller {
    return caller;
  }

  @ApiScopes('admin:write')
  @ApiOperation({ summary: 'Crée un objet', responses: { 201: { description: 'Créé', schema: ThingDto } } })
  @Idempotent()
  @Post('objets')
  create(@Body() body: ThingDto): { id: number; name: string } {
    this.created += 1;
    return { id: this.created, name: body.name };
  }

  @ApiScopes('admin:read')
  @ApiOperation({ summary: 'Liste des nombres' })
  @Get('objets')
  list(@Query() query: CursorPageQuery) {
    const after = decodeCursor(query.cursor, (p): p is [number] => p.length === 1 && Number.isInteger(p[0]));
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = NUMBERS.filter((n) => !after || n.id > after[0]).slice(0, limit + 1);
    return pageOf(rows, limit, (n) => [n.id]);
  }

  @ApiScopes('admin:read')
  @Get('conflit')
  conflict(): never {
    throw new ProbeConflict();
  }

  @ApiScopes('admin:read')
  @Get('panne')
  crash(): never {
    throw new Error('détail interne à ne jamais montrer');
  }
}

@Module({ controllers: [ApiProbeController] })
class ApiProbeModule {}

describe('JSON API layer', () => {
  let app: TestApp;
  let reader: ApiClientCredentials;
  let writer: ApiClientCredentials;
  let readerToken: string;
  let writerToken: string;

  before(async () => {
    app = await startTestApp({ extraModules: [ApiProbeModule] });
    reader = await registerApiClient(app, 'robot-lecture', 'admin:read subscriptions:read');
    writer = await registerApiClient(app, 'robot-ecriture', 'admin:read admin:write');
    readerToken = await apiToken(app, reader, 'admin:read');
    writerToken = await apiToken(app, writer, 'admin:write');
  });
  after(async () => app.close());

  const problemOf = (res: request.Response) => {
    assert.match(res.headers['content-type'], /^application\/problem\+json/);
    return JSON.parse(res.text) as Record<string, unknown>;
  };

  describe('access tokens (RFC 9068, RFC 8707)', () => {
    it('issues an ES256 JWT for the API resource with the granted scopes, and stores nothing', async () => {
      const stored = async () =>
        Number((await app.dataSource.query(`SELECT count(*) AS n FROM oidc_payload`))[0].n as string);
      const before = await stored();
      const res = await requestToken(app, writer, { scope: 'admin:read admin:write', resource: `${app.url}/api` });
      assert.equal(res.status, 200);
      assert.equal(res.body.token_type, 'Bearer');
      const header = decodeProtectedHeader(res.body.access_token as string);
      assert.equal(header.typ, 'at+jwt');
      assert.equal(header.alg, 'ES256');
      const claims = decodeJwt(res.body.access_token as string);
      assert.equal(claims.iss, app.config.issuer);
      assert.equal(claims.aud, `${app.url}/api`);
      assert.equal(claims.client_id, 'robot-ecriture');
      assert.equal(claims.sub, 'robot-ecriture');
      assert.equal(claims.scope, 'admin:read admin:write');
      assert.equal(await stored(), before);
    });

    it('defaults to the API resource when API scopes are asked without resource', async () => {
      const res = await requestToken(app, reader, { scope: 'admin:read' });
      assert.equal(res.status, 200);
      assert.equal(decodeJwt(res.body.access_token as string).aud, `${app.url}/api`);
    });

    it('refuses a scope the client is not registered with', async () => {
      const res = await requestToken(app, reader, { scope: 'admin:write', resource: `${app.url}/api` });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_scope');
    });

    it('refuses an unknown resource', async () => {
      const res = await requestToken(app, reader, { scope: 'admin:read', resource: 'https://inconnue.example.fr/' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'invalid_target');
    });

    it('refuses to register client-space scopes without a firm binding, and puts the binding in the token', async () => {
      await assert.rejects(
        registerApiClient(app, 'robot-sans-cabinet', 'client-space:read'),
        /la portée client-space:read demande un rattachement api_binding de type firm/,
      );
      const bound = await registerApiClient(app, 'robot-cabinet', 'client-space:read admin:read', {
        kind: 'firm',
        id: 'cabinet-42',
      });
      const token = await apiToken(app, bound, 'client-space:read admin:read');
      assert.deepEqual(decodeJwt(token).api_binding, { kind: 'firm', id: 'cabinet-42' });
      const res = await request(app.url).get('/api/v1/essai/moi').auth(token, { type: 'bearer' });
      assert.equal(res.status, 200);
      assert.equal(res.body.clientId, 'robot-cabinet');
      assert.deepEqual(res.body.scopes, ['client-space:read', 'admin:read']);
      assert.deepEqual(res.body.binding, { kind: 'firm', id: 'cabinet-42' });
    });
  });

  describe('the guard', () => {
    it('lets a token with the scope through, and tells who calls', async () => {
      const res = await request(app.url).get('/api/v1/essai/moi').auth(readerToken, { type: 'bearer' });
      assert.equal(res.status, 200);
      assert.equal(res.body.clientId, 'robot-lecture');
      assert.deepEqual(res.body.scopes, ['admin:read']);
      assert.equal(res.headers['cache-control'], 'no-store');
    });

    it('answers 401 without a token, with WWW-Authenticate and a problem', async () => {
      const res = await request(app.url).get('/api/v1/essai/moi');
      assert.equal(res.status, 401);
      assert.equal(res.headers['www-authenticate'], `Bearer realm="${app.url}/api"`);
      const problem = problemOf(res);
      assert.equal(problem.status, 401);
      assert.equal(problem.code, 'TOKEN_MISSING');
      assert.equal(problem.title, 'Authentification requise');
      assert.match(problem.detail as string, /jeton d’accès/);
    });

    it('answers 403 with insufficient_scope for a token without the scope', async () => {
      const token = await apiToken(app, reader, 'subscriptions:read');
      const res = await request(app.url).get('/api/v1/essai/moi').auth(token, { type: 'bearer' });
      assert.equal(res.status, 403);
      assert.match(res.headers['www-authenticate'], /error="insufficient_scope", scope="admin:read"/);
      assert.equal(problemOf(res).code, 'INSUFFICIENT_SCOPE');
    });

    it('admin:write counts as admin:read, admin:read does not count as admin:write', async () => {
      const read = await request(app.url).get('/api/v1/essai/moi').auth(writerToken, { type: 'bearer' });
      assert.equal(read.status, 200);
      const write = await request(app.url)
        .post('/api/v1/essai/objets')
        .auth(readerToken, { type: 'bearer' })
        .send({ name: 'a' });
      assert.equal(write.status, 403);
    });

    const refusedAsInvalid = async (token: string) => {
      const res = await request(app.url).get('/api/v1/essai/moi').auth(token, { type: 'bearer' });
      assert.equal(res.status, 401);
      assert.match(res.headers['www-authenticate'], /error="invalid_token"/);
      assert.equal(problemOf(res).code, 'TOKEN_INVALID');
    };

    it('refuses a token for another resource server', async () => {
      await app.app.get(ResourceServerRegistry).add({
        identifier: 'https://compta.example.fr/api',
        name: 'Comptabilité',
        scopes: ['compta:read'],
      });
      await app.app.get(OidcProviderService).refreshKeys();
      const other = await registerApiClient(app, 'robot-compta', 'compta:read admin:read');
      const res = await requestToken(app, other, { scope: 'compta:read', resource: 'https://compta.example.fr/api' });
      assert.equal(res.status, 200);
      assert.equal(decodeJwt(res.body.access_token as string).aud, 'https://compta.example.fr/api');
      await refusedAsInvalid(res.body.access_token as string);
    });

    it('refuses an opaque token (userinfo’s kind)', async () => {
      const res = await requestToken(app, reader, {});
      assert.equal(res.status, 200);
      assert.equal((res.body.access_token as string).split('.').length, 1);
      await refusedAsInvalid(res.body.access_token as string);
    });

    it('refuses a token whose signature was tampered with', async () => {
      const [header, payload, signature] = readerToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'admin:read admin:write' })).toString('base64url');
      await refusedAsInvalid(`${header}.${forged}.${signature}`);
      const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
      await refusedAsInvalid(`${header}.${payload}.${flipped}`);
    });

    it('refuses an expired token, and one without typ at+jwt, even when signed with the provider’s key', async () => {
      const { keys } = await app.app.get(SigningKeyStore).providerKeys();
      const jwk = keys.find((k) => k.alg === 'ES256')!;
      const key = await importJWK(jwk, 'ES256');
      const claims = { client_id: 'robot-lecture', scope: 'admin:read' };
      const sign = (typ: string, exp: number) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ })
          .setIssuer(app.config.issuer)
          .setAudience(`${app.url}/api`)
          .setSubject('robot-lecture')
          .setJti('essai')
          .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
          .setExpirationTime(exp)
          .sign(key);
      const now = Math.floor(Date.now() / 1000);
      // The same construction with a future expiry is accepted: the refusals below are for the expiry and the type.
      const valid = await request(app.url)
        .get('/api/v1/essai/moi')
        .auth(await sign('at+jwt', now + 600), { type: 'bearer' });
      assert.equal(valid.status, 200);
      await refusedAsInvalid(await sign('at+jwt', now - 3600));
      await refusedAsInvalid(await sign('JWT', now + 600));
    });
  });

  describe('problem details (RFC 9457)', () => {
    it('lists the fields of a validation error', async () => {
      const res = await request(app.url)
        .post('/api/v1/essai/objets')
        .auth(writerToken, { type: 'bearer' })
        .send({ name: 'x'.repeat(51), quantity: 'beaucoup', extra: 1 });
      assert.equal(res.status, 400);
      const problem = problemOf(res);
      assert.equal(problem.type, 'urn:plateforme:probleme:validation-failed');
      assert.equal(problem.title, 'Requête incorrecte');
      assert.equal(problem.instance, '/api/v1/essai/objets');
      assert.match(problem.requestId as string, /^[0-9a-f-]{36}$/);
      const fields = (problem.errors as Array<{ field: string; detail: string }>).map((e) => e.field).sort();
      assert.deepEqual(fields, ['extra', 'name', 'quantity']);
      assert.ok(
        (problem.errors as Array<{ detail: string }>).some((e) => e.detail === 'Le nom fait au plus 50 caractères.'),
      );
    });

    it('answers in French whatever language the caller asks (problem details are for developers)', async () => {
      const res = await request(app.url)
        .post('/api/v1/essai/objets')
        .auth(writerToken, { type: 'bearer' })
        .set('accept-language', 'en')
        .set('cookie', 'langue=en')
        .send({ name: 'x'.repeat(51), extra: 1 });
      assert.equal(res.status, 400);
      const problem = problemOf(res);
      assert.equal(problem.title, 'Requête incorrecte');
      const errors = problem.errors as Array<{ field: string; detail: string }>;
      assert.equal(errors.find((e) => e.field === 'extra')?.detail, 'Ce champ n’est pas attendu ici.');
    });

    it('maps a domain error to its status with its French message', async () => {
      const res = await request(app.url).get('/api/v1/essai/conflit').auth(readerToken, { type: 'bearer' });
      assert.equal(res.status, 409);
      assert.equal(problemOf(res).detail, 'Cet objet existe déjà.');
    });

    it('answers 404 and 405 (with Allow) as problems, never an HTML page', async () => {
      const missing = await request(app.url).get('/api/v1/absent').set('Accept', 'text/html');
      assert.equal(missing.status, 404);
      assert.equal(problemOf(missing).code, 'NOT_FOUND');
      const wrongMethod = await request(app.url).delete('/api/v1/essai/objets').auth(readerToken, { type: 'bearer' });
      assert.equal(wrongMethod.status, 405, wrongMethod.text);
      assert.equal(wrongMethod.headers.allow, 'GET, POST');
      assert.equal(problemOf(wrongMethod).code, 'METHOD_NOT_ALLOWED');
    });

    it('answers 413 and malformed JSON as problems', async () => {
      const big = await request(app.url)
        .post('/api/v1/essai/objets')
        .auth(writerToken, { type: 'bearer' })
        .type('json')
        .send(JSON.stringify({ name: 'x'.repeat(2_000_000) }));
      assert.equal(big.status, 413);
      assert.equal(problemOf(big).code, 'PAYLOAD_TOO_LARGE');
      const malformed = await request(app.url)
        .post('/api/v1/essai/objets')
        .auth(writerToken, { type: 'bearer' })
        .type('json')
        .send('{"name":');
      assert.equal(malformed.status, 400);
      assert.equal(problemOf(malformed).status, 400);
    });

    it('answers an unexpected error with a 500 problem without internals', async () => {
      const res = await request(app.url).get('/api/v1/essai/panne').auth(readerToken, { type: 'bearer' });
      assert.equal(res.status, 500);
      const problem = problemOf(res);
      assert.equal(problem.code, 'INTERNAL_ERROR');
      assert.doesNotMatch(res.text, /détail interne|at .*\.js/);
    });
  });

  describe('Idempotency-Key', () => {
    const create = (token: string, key: string | undefined, body: object) => {
      const req = request(app.url).post('/api/v1/essai/objets').auth(token, { type: 'bearer' });
      return (key ? req.set('Idempotency-Key', key) : req).send(body);
    };

    it('replays the first answer for the same key and body, refuses another body with 422', async () => {
      const first = await create(writerToken, 'cle-1', { name: 'lampe', quantity: 2 });
      assert.equal(first.status, 201);
      const again = await create(writerToken, 'cle-1', { quantity: 2, name: 'lampe' });
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.body, first.body);
      const other = await create(writerToken, 'cle-1', { name: 'table' });
      assert.equal(other.status, 422);
      assert.equal(problemOf(other).code, 'IDEMPOTENCY_KEY_REUSED');
      const fresh = await create(writerToken, 'cle-2', { name: 'lampe', quantity: 2 });
      assert.notEqual(fresh.body.id, first.body.id);
      const [row] = await app.dataSource.query(
        `SELECT status, expires_at > now() AS alive FROM api_idempotency_key WHERE client_id = $1 AND key = $2`,
        ['robot-ecriture', 'cle-1'],
      );
      assert.deepEqual(row, { status: 201, alive: true });
    });

    it('keeps keys per client, forgets a key whose request failed, and refuses a malformed key', async () => {
      const other = await registerApiClient(app, 'robot-ecriture-2', 'admin:write');
      const token = await apiToken(app, other, 'admin:write');
      const mine = await create(token, 'cle-partagee', { name: 'a' });
      const theirs = await create(writerToken, 'cle-partagee', { name: 'a' });
      assert.notEqual(mine.body.id, theirs.body.id);
      const invalid = await create(writerToken, 'cle-invalide', { name: 5 });
      assert.equal(invalid.status, 400);
      const retried = await create(writerToken, 'cle-invalide', { name: 'corrigé' });
      assert.equal(retried.status, 201);
      const malformed = await create(writerToken, 'x'.repeat(256), { name: 'a' });
      assert.equal(malformed.status, 400);
      assert.equal(problemOf(malformed).code, 'INVALID_IDEMPOTENCY_KEY');
    });
  });

  describe('cursor pagination', () => {
    it('walks a list page by page until nextCursor is null', async () => {
      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await request(app.url)
          .get('/api/v1/essai/objets')
          .query({ limit: 3, ...(cursor ? { cursor } : {}) })
          .auth(readerToken, { type: 'bearer' });
        assert.equal(res.status, 200);
        seen.push(...(res.body.data as Array<{ id: number }>).map((n) => n.id));
        cursor = res.body.nextCursor as string | null;
        pages += 1;
      } while (cursor && pages < 10);
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
      assert.equal(pages, 3);
    });

    it('refuses a forged cursor and an out-of-range limit', async () => {
      const forged = await request(app.url)
        .get('/api/v1/essai/objets')
        .query({ cursor: Buffer.from('{"x":1}').toString('base64url') })
        .auth(readerToken, { type: 'bearer' });
      assert.equal(forged.status, 400);
      assert.equal(problemOf(forged).code, 'INVALID_CURSOR');
      const limit = await request(app.url)
        .get('/api/v1/essai/objets')
        .query({ limit: 0 })
        .auth(readerToken, { type: 'bearer' });
      assert.equal(limit.status, 400);
      assert.deepEqual(
        (problemOf(limit).errors as Array<{ field: string }>).map((e) => e.field),
        ['limit'],
      );
    });
  });

  describe('route inventory', () => {
    it('every route under /api declares its scopes, the documentation aside', () => {
      const routes = routeInventory(app.app);
      assert.deepEqual(
        policyProblems(
          routes.filter((r) => isUnder(r.path, '/api')),
          () => false,
        ),
        [],
      );
      assert.ok(apiRoutes(routes).some((r) => r.path === '/api/v1/essai/objets' && r.scopes.includes('admin:write')));
      assert.ok(routes.some((r) => r.path === '/api/docs' && r.policy?.kind === 'api-documentation'));
    });
  });

  describe('OpenAPI document', () => {
    it('is OpenAPI 3.1 JSON listing the routes with their scopes, parameters and problems', async () => {
      const res = await request(app.url).get('/api/docs/openapi.json');
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /application\/json/);
      const doc = res.body as {
        openapi: string;
        paths: Record<string, Record<string, Record<string, unknown>>>;
        components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
      };
      assert.equal(doc.openapi, '3.1.0');
      const post = doc.paths['/api/v1/essai/objets'].post;
      assert.deepEqual(post.security, [{ oauth2: ['admin:write'] }]);
      assert.equal(post.summary, 'Crée un objet');
      assert.ok((post.parameters as Array<{ name: string }>).some((p) => p.name === 'Idempotency-Key'));
      assert.deepEqual(post.requestBody, {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ThingDto' } } },
      });
      assert.deepEqual((doc.components.schemas.ThingDto as { required: string[] }).required, ['name']);
      const list = doc.paths['/api/v1/essai/objets'].get;
      assert.deepEqual(
        (list.parameters as Array<{ name: string; in: string }>).map((p) => `${p.in}:${p.name}`),
        ['query:cursor', 'query:limit'],
      );
      assert.ok((list.responses as Record<string, unknown>)['401']);
      assert.ok(doc.components.securitySchemes.oauth2);
    });

    it('has a readable page listing the operations, without a token', async () => {
      const res = await request(app.url).get('/api/docs');
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /text\/html/);
      assert.match(res.text, /<h1>Documentation de l’API<\/h1>/);
      assert.match(res.text, /\/api\/v1\/essai\/objets/);
      assert.match(res.text, /Idempotency-Key/);
    });
  });
});
