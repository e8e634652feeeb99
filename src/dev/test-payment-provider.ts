import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { signTestWebhook, TEST_SIGNATURE_HEADER } from '../platform/payments';
import { escapeHtml, readBody, redirect } from './tiny-http';

/**
 * The local test payment provider (`PAYMENT_PROVIDER=test`, never in production): what Stripe Checkout does, in small.
 * The platform opens a session through its JSON API (`POST /api/sessions`, bearer secret); the buyer is sent to its
 * hosted page (`/payer/:id`: amount, description, « Payer », « Refuser », « Annuler »); the choice is sent to the
 * platform as a signed webhook (`Paiement-Test-Signature`, HMAC with timestamp), then the buyer goes back to the
 * session's return or cancel address. The amount is the one the platform gave when opening the session: the page only
 * sends the choice. `npm start` runs it on `PORT + 3`; its sessions live in memory.
 */

interface Session {
  id: string;
  paymentId: string;
  amountCents: number;
  currency: string;
  description: string;
  customerEmail?: string;
  successUrl: string;
  cancelUrl: string;
  webhookUrl: string;
  state: 'open' | 'paid' | 'refused' | 'cancelled';
}

/** One webhook sent (or held back), kept so that tests can replay it. */
export interface TestWebhookDelivery {
  url: string;
  body: string;
  signature: string;
  /** The platform's HTTP status; `undefined` when held back or unreachable. */
  status: number | undefined;
}

export interface TestPaymentProviderServer {
  url: string;
  deliveries: TestWebhookDelivery[];
  /** `false`: choices are not sent to the platform (to show that the buyer's return alone changes nothing). */
  deliverWebhooks: boolean;
  close(): Promise<void>;
}

const CHOICES = {
  payer: { state: 'paid', event: 'payment.succeeded' },
  refuser: { state: 'refused', event: 'payment.failed' },
  annuler: { state: 'cancelled', event: 'payment.cancelled' },
} as const;

export async function startTestPaymentProvider(options: {
  port: number;
  secret: string;
  host?: string;
}): Promise<TestPaymentProviderServer> {
  const base = `http://${options.host ?? 'localhost'}:${options.port}`;
  const sessions = new Map<string, Session>();
  const deliveries: TestWebhookDelivery[] = [];
  const state = { deliverWebhooks: true };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', base);
    if (req.method === 'POST' && url.pathname === '/api/sessions') return createSession(req, res);
    const match = /^\/payer\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    const session = match ? sessions.get(match[1]) : undefined;
    if (!session)
      return page(res, 404, 'Session de paiement introuvable', '<p>Cette session de paiement n’existe pas.</p>');
    if (req.method === 'GET') return paymentPage(res, session);
    if (req.method !== 'POST') return page(res, 405, 'Méthode non prise en charge', '');
    const choice = new URLSearchParams(await readBody(req)).get('choix');
    if (session.state !== 'open')
      return page(res, 409, 'Session terminée', '<p>Cette session de paiement est déjà terminée.</p>');
    if (choice !== 'payer' && choice !== 'refuser' && choice !== 'annuler')
      return page(res, 400, 'Choix inconnu', '<p>Choisissez Payer, Refuser ou Annuler.</p>');
    session.state = CHOICES[choice].state;
    await sendWebhook(session, CHOICES[choice].event);
    redirect(res, choice === 'annuler' ? session.cancelUrl : session.successUrl);
  };

  const createSession = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${options.secret}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return json(res, 401, { error: 'clé invalide' });
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return json(res, 400, { error: 'corps illisible' });
    }
    const { payment_id, amount_cents, currency, description, customer_email, success_url, cancel_url, webhook_url } =
      input;
    if (
      typeof payment_id !== 'string' ||
      typeof amount_cents !== 'number' ||
      !Number.isInteger(amount_cents) ||
      amount_cents < 1 ||
      currency !== 'EUR' ||
      typeof description !== 'string' ||
      typeof success_url !== 'string' ||
      typeof cancel_url !== 'string' ||
      typeof webhook_url !== 'string'
    )
      return json(res, 400, { error: 'paramètres invalides' });
    const id = `ps_${randomBytes(12).toString('hex')}`;
    sessions.set(id, {
      id,
      paymentId: payment_id,
      amountCents: amount_cents,
      currency,
      description,
      customerEmail: typeof customer_email === 'string' ? customer_email : undefined,
      successUrl: success_url,
      cancelUrl: cancel_url,
      webhookUrl: webhook_url,
      state: 'open',
    });
    json(res, 200, { id, url: `${base}/payer/${id}` });
  };

  const sendWebhook = async (session: Session, type: string): Promise<void> => {
    const body = JSON.stringify({
      id: `evt_${randomBytes(12).toString('hex')}`,
      type,
      created: Math.floor(Date.now() / 1000),
      session: {
        id: session.id,
        payment_id: session.paymentId,
        amount_cents: session.amountCents,
        currency: session.currency,
      },
    });
    const delivery: TestWebhookDelivery = {
      url: session.webhookUrl,
      body,
      signature: signTestWebhook(options.secret, body),
      status: undefined,
    };
    deliveries.push(delivery);
    if (!state.deliverWebhooks) return;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: delivery.signature },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      delivery.status = response.status;
    } catch {
      // The platform is away: the delivery stays without status (a real provider would retry).
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', resolve);
  });
  return {
    url: base,
    deliveries,
    get deliverWebhooks() {
      return state.deliverWebhooks;
    },
    set deliverWebhooks(value: boolean) {
      state.deliverWebhooks = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const euros = (cents: number) =>
  new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);

function paymentPage(res: ServerResponse, session: Session): void {
  if (session.state !== 'open')
    return page(res, 409, 'Session terminée', '<p>Cette session de paiement est déjà terminée.</p>');
  page(
    res,
    200,
    'Paiement sécurisé',
    `<p class="avertissement">Prestataire de paiement de test : aucune carte n’est débitée.</p>
    <dl>
      <dt>Montant</dt><dd class="montant">${escapeHtml(euros(session.amountCents))}</dd>
      <dt>Objet</dt><dd>${escapeHtml(session.description)}</dd>
      ${session.customerEmail ? `<dt>Adresse électronique</dt><dd>${escapeHtml(session.customerEmail)}</dd>` : ''}
    </dl>
    <form method="post" action="/payer/${escapeHtml(session.id)}">
      <button type="submit" name="choix" value="payer" class="principal">Payer ${escapeHtml(euros(session.amountCents))}</button>
      <button type="submit" name="choix" value="refuser">Refuser (paiement refusé par la banque)</button>
      <button type="submit" name="choix" value="annuler">Annuler et revenir au site</button>
    </form>`,
  );
}

function page(res: ServerResponse, status: number, title: string, content: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – prestataire de paiement de test</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f4f6; color: #1e1e1e; }
  header { background: #2a2a48; color: #fff; padding: 1rem 1.5rem; font-weight: 600; }
  main { max-width: 32rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  .avertissement { background: #fff4d6; border-left: 4px solid #8a5a00; padding: .5rem .75rem; }
  dt { font-weight: 600; margin-top: .75rem; }
  dd { margin: .25rem 0 0; }
  .montant { font-size: 1.75rem; font-weight: 700; }
  form { display: flex; flex-direction: column; gap: .75rem; margin-top: 1.5rem; }
  button { font: inherit; padding: .75rem 1rem; border-radius: 6px; border: 2px solid #2a2a48; background: #fff; color: #2a2a48; cursor: pointer; }
  button.principal { background: #2a2a48; color: #fff; }
  button:focus-visible { outline: 3px solid #0a76f6; outline-offset: 2px; }
</style></head>
<body><header>Prestataire de paiement de test</header><main><h1>${escapeHtml(title)}</h1>${content}</main></body></html>`);
}
