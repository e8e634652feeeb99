import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Body, Controller, Get, Module, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { IsEmail, IsOptional, IsString } from 'class-validator';
import request from 'supertest';
import { DomainError } from '../../src/platform/errors';
import { firstPartySpaceOf } from '../../src/platform/first-party-clients';
import { Public } from '../../src/platform/http/access-policy';
import { policyProblems, routeInventory } from '../support/routes';
import { startTestApp, type TestApp } from '../support/test-app';

class GreetingDto {
  @IsEmail({}, { message: 'Saisissez une adresse électronique valide, par exemple nom@domaine.fr' })
  email: string;

  @IsOptional()
  @IsString()
  _csrf?: string;
}

class ExampleError extends DomainError {
  constructor(code: string, message: string) {
    super(code, 'conflict', message);
  }
}

/** Routes that exist only in this test, to exercise the platform's policies. */
@Controller('essai')
class ProbeController {
  /** What a page template gets as `csrfToken()`, returned as JSON here. */
  @Public()
  @Get('jeton')
  token(@Res({ passthrough: true }) res: Response): { token: string } {
    return { token: (res.locals.csrfToken as () => string)() };
  }

  @Public()
  @Post('formulaire')
  submit(@Body() body: GreetingDto): { received: string } {
    return { received: body.email };
  }

  @Public()
  @Get('conflit')
  conflict(): never {
    throw new ExampleError('EXAMPLE_CONFLICT', 'Cet identifiant est déjà pris.');
  }

  @Public()
  @Get('panne')
  crash(): never {
    throw new Error('détail interne à ne jamais montrer');
  }

  @Get('sans-politique')
  noPolicy(): string {
    return 'ne doit jamais répondre';
  }
}

/** What the route inventory must refuse: a public page inside the account space. */
@Controller('compte/essai-publique')
class PublicInSpaceProbe {
  @Public()
  @Get()
  page(): string {
    return 'ne devrait pas être publique';
  }
}

@Module({ controllers: [ProbeController, PublicInSpaceProbe] })
class ProbeModule {}

/** A CSRF cookie and the token that goes with it, as a page of the platform would give them. */
async function csrfPair(app: TestApp): Promise<{ cookie: string; token: string }> {
  const res = await request(app.url).get('/essai/jeton');
  assert.equal(res.status, 200);
  const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0];
  return { cookie, token: res.body.token as string };
}

describe('HTTP platform', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ extraModules: [ProbeModule] });
  });
  after(async () => app.close());

  describe('home page', () => {
    it('is French, DSFR-styled, and offers to sign in', async () => {
      const res = await request(app.url).get('/');
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /text\/html/);
      assert.match(res.text, /<html lang="fr"/);
      assert.match(res.text, /<title>Accueil - Plateforme d’identité<\/title>/);
      assert.match(res.text, /href="\/dsfr\/dsfr\.min\.css"/);
      assert.match(res.text, /Se connecter à mon compte/);
      assert.doesNotMatch(res.text, /https?:\/\/(?!127\.0\.0\.1)[^"\s]*\.(css|js)/, 'aucune ressource venant d’un CDN');
    });

    it('serves DSFR from the installed package', async () => {
      const res = await request(app.url).get('/dsfr/dsfr.min.css');
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /text\/css/);
      assert.equal((await request(app.url).get('/dsfr/absent.css')).status, 404);
    });
  });

  describe('security headers', () => {
    it('sends a strict Content-Security-Policy and the usual protections', async () => {
      const res = await request(app.url).get('/');
      const csp = res.headers['content-security-policy'];
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /object-src 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['x-powered-by'], undefined);
    });
  });

  describe('request id', () => {
    it('is returned in X-Request-Id, and a well-formed incoming one is kept', async () => {
      const generated = await request(app.url).get('/health/live');
      assert.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
      const kept = await request(app.url).get('/health/live').set('X-Request-Id', 'proxy-1234-abcd');
      assert.equal(kept.headers['x-request-id'], 'proxy-1234-abcd');
      const replaced = await request(app.url).get('/health/live').set('X-Request-Id', 'x <script>alert(1)</script>');
      assert.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    });
  });

  describe('health and metrics', () => {
    it('reports ready with the database up', async () => {
      const res = await request(app.url).get('/health');
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'ok');
      assert.equal(res.body.checks.database.status, 'up');
      assert.equal((await request(app.url).get('/health/live')).body.status, 'ok');
    });

    it('exposes HTTP and database figures in Prometheus format', async () => {
      await request(app.url).get('/');
      const res = await request(app.url).get('/metrics');
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'], /text\/plain/);
      assert.match(res.text, /http_request_duration_seconds_count\{method="GET",route="\/",status="200"\} \d+/);
      assert.match(res.text, /db_pool_connections \d+/);
      assert.match(res.text, /process_resident_memory_bytes \d+/);
    });
  });

  describe('errors', () => {
    it('shows a French 404 page with the request id', async () => {
      const res = await request(app.url).get('/nulle-part').set('Accept', 'text/html');
      assert.equal(res.status, 404);
      assert.match(res.text, /<h1>Page introuvable<\/h1>/);
      assert.ok(res.text.includes(res.headers['x-request-id']));
    });

    it('answers problem details under /api (RFC 9457)', async () => {
      const res = await request(app.url).get('/api/v1/nulle-part');
      assert.equal(res.status, 404);
      assert.match(res.headers['content-type'], /^application\/problem\+json/);
      const problem = JSON.parse(res.text) as { code: string; requestId: string; status: number };
      assert.equal(problem.code, 'NOT_FOUND');
      assert.equal(problem.status, 404);
      assert.equal(problem.requestId, res.headers['x-request-id']);
    });

    it('maps a domain error to its status and keeps its French message', async () => {
      const res = await request(app.url).get('/essai/conflit').set('Accept', 'application/json');
      assert.equal(res.status, 409);
      assert.deepEqual(res.body.error, {
        status: 409,
        code: 'EXAMPLE_CONFLICT',
        message: 'Cet identifiant est déjà pris.',
        requestId: res.headers['x-request-id'],
      });
    });

    it('turns an unknown error into a 500 that shows only the request id', async () => {
      const res = await request(app.url).get('/essai/panne').set('Accept', 'text/html');
      assert.equal(res.status, 500);
      assert.match(res.text, /Erreur inattendue/);
      assert.ok(res.text.includes(res.headers['x-request-id']));
      assert.doesNotMatch(res.text, /détail interne|at .*\.js/);
    });

    it('refuses a malformed JSON body with a 400, not a 500', async () => {
      const { cookie, token } = await csrfPair(app);
      const res = await request(app.url)
        .post('/essai/formulaire')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', token)
        .set('Content-Type', 'application/json')
        .send('{"email": ');
      assert.equal(res.status, 400);
    });
  });

  describe('validation', () => {
    it('returns a French message per invalid field', async () => {
      const { cookie, token } = await csrfPair(app);
      const res = await request(app.url)
        .post('/essai/formulaire')
        .set('Cookie', cookie)
        .set('Accept', 'application/json')
        .type('form')
        .send({ _csrf: token, email: 'pas-une-adresse' });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(res.body.error.fields, {
        email: ['Saisissez une adresse électronique valide, par exemple nom@domaine.fr'],
      });
    });
  });

  describe('CSRF', () => {
    it('accepts a form carrying the token of its cookie', async () => {
      const { cookie, token } = await csrfPair(app);
      assert.ok(token.length > 20, 'la page contient un jeton');
      assert.match(cookie, /^csrf=/);
      const res = await request(app.url)
        .post('/essai/formulaire')
        .set('Cookie', cookie)
        .type('form')
        .send({ _csrf: token, email: 'marie@example.fr' });
      assert.equal(res.status, 201);
      assert.deepEqual(res.body, { received: 'marie@example.fr' });
    });

    it('refuses a form without a token, with a forged token, or without the cookie', async () => {
      const { cookie, token } = await csrfPair(app);
      const attempts = [
        request(app.url).post('/essai/formulaire').set('Cookie', cookie).type('form').send({ email: 'a@example.fr' }),
        request(app.url)
          .post('/essai/formulaire')
          .set('Cookie', cookie)
          .type('form')
          .send({ _csrf: `${token}x`, email: 'a@example.fr' }),
        request(app.url).post('/essai/formulaire').type('form').send({ _csrf: token, email: 'a@example.fr' }),
      ];
      for (const attempt of attempts) {
        const res = await attempt.set('Accept', 'text/html');
        assert.equal(res.status, 403);
        assert.match(res.text, /Ce formulaire a expiré ou ne provient pas de ce site/);
      }
    });
  });

  describe('access policy', () => {
    it('refuses a route that states no policy', async () => {
      const res = await request(app.url).get('/essai/sans-politique').set('Accept', 'application/json');
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'ACCESS_DENIED');
    });

    it('every route of the platform states its access policy, and none is public under a space (route inventory)', () => {
      const routes = routeInventory(app.app, [ProbeController, PublicInSpaceProbe]);
      assert.ok(routes.length >= 30, `routes trouvées : ${routes.length}`);
      assert.deepEqual(
        policyProblems(routes, (path) => Boolean(firstPartySpaceOf(path))),
        [],
      );
      // The sign-in routes of the account space are the first-party component's.
      assert.ok(routes.some((r) => r.path === '/compte/connexion' && r.policy?.kind === 'first-party-endpoint'));
      assert.ok(routes.some((r) => r.path === '/compte/profil' && r.policy?.kind === 'signed-in'));
    });

    it('the inventory check reports a route without policy and a public route under a space', () => {
      const probes = routeInventory(app.app).filter((r) =>
        [ProbeController.name, PublicInSpaceProbe.name].includes(r.controller),
      );
      assert.deepEqual(
        policyProblems(probes, (path) => Boolean(firstPartySpaceOf(path))).map((p) => p.split(' (')[0]),
        ['GET /essai/sans-politique', 'GET /compte/essai-publique'],
      );
    });
  });
});
