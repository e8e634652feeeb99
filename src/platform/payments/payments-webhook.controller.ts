import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../http/access-policy';
import { SkipCsrf } from '../http/csrf';
import { requestContext } from '../http/request-context';
import { PaymentsService } from './payments.service';

/** The raw body the JSON parser keeps for the webhook paths (`bootstrap.ts`): signatures are computed over it. */
export type RequestWithRawBody = Request & { rawBody?: Buffer };
export const WEBHOOK_PATH_PREFIX = '/paiements/webhooks/';

/**
 * `POST /paiements/webhooks/:provider`: the payment provider tells the platform how a payment ended. Public (the
 * provider has no session) and without CSRF token (it is not a browser): the provider's signature over the raw body is
 * what authenticates it. Answers: 200 once handled (replays and events without effect included, so that the provider
 * stops retrying), 400 problem details for a bad signature (nothing changed, audited), 404 for a provider that is not
 * the configured one.
 */
@Controller('paiements/webhooks')
export class PaymentsWebhookController {
  constructor(private readonly payments: PaymentsService) {}

  @Public()
  @SkipCsrf()
  @Post(':provider')
  @HttpCode(200)
  async receive(@Param('provider') provider: string, @Req() req: RequestWithRawBody, @Res() res: Response) {
    const requestId = requestContext.current()?.requestId;
    const result = await this.payments.handleWebhook(provider, req.rawBody ?? Buffer.alloc(0), req.headers);
    switch (result.kind) {
      case 'unknown-provider':
        return problem(
          res,
          404,
          'Prestataire inconnu',
          'Aucun prestataire de paiement de ce nom n’est configuré.',
          requestId,
        );
      case 'refused':
        return problem(res, 400, 'Signature invalide', 'La signature du webhook est absente ou invalide.', requestId);
      case 'replay':
        return res.status(200).json({ received: true, duplicate: true });
      case 'ignored':
        return res.status(200).json({ received: true, ignored: result.reason });
      case 'applied':
        return res.status(200).json({ received: true, status: result.status });
    }
  }
}

/** RFC 9457 problem details, in French. */
function problem(res: Response, status: number, title: string, detail: string, requestId: string | undefined) {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail, requestId }));
}
