import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../../config';
import { OnDomainEvent } from '../../platform/events';
import { t } from '../../platform/i18n/i18n';
import { LOGGER } from '../../platform/logging/logger';
import { PaymentsService, type PaymentSettledEvent, type PaymentStatus } from '../../platform/payments';
import { ClientSpaceError, ClientSpaceErrorCode, notFound } from './client-space.errors';
import type { FirmClient } from './entities/firm-client.entity';
import type { SharedItem } from './entities/shared-item.entity';
import { FirmsService } from './firms.service';
import { ItemsService } from './items.service';

/** The `purpose` of the client space's payments: the succeeded event carries it back. */
export const INVOICE_PAYMENT = 'client-space.invoice';

/** What the invoice page says about online payment. */
export interface InvoicePaymentState {
  /** « Payer » is offered: the firm takes online payment, a provider is configured, the invoice is unpaid. */
  payable: boolean;
  /** The newest payment opened for the invoice, if any. */
  lastPayment: PaymentStatus | null;
}

/**
 * « Payer » on an invoice the client sees: the amount comes from the invoice row, the buyer goes to the provider's page,
 * and the invoice becomes « payée » only when the provider's signed webhook has said so (`payments.payment.succeeded`).
 * The return address shows the state; it proves nothing.
 */
@Injectable()
export class InvoicePaymentsService {
  constructor(
    private readonly firms: FirmsService,
    private readonly items: ItemsService,
    private readonly payments: PaymentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether the firm's clients are offered « Payer » (the firm offers it and the platform has a provider). */
  async firmTakesPayments(firmId: string): Promise<boolean> {
    return this.payments.providerName !== null && (await this.firms.firm(firmId)).onlinePayment;
  }

  /**
   * Lets the page's « Payer » forms lead to the provider's hosted page: the form posts here and is redirected there,
   * and Chrome applies the CSP `form-action` to that redirect chain.
   */
  allowCheckout(res: Response): void {
    const csp = res.getHeader('content-security-policy');
    const origins = this.payments.checkoutOrigins;
    if (typeof csp === 'string' && origins.length)
      res.setHeader(
        'content-security-policy',
        csp.replace("form-action 'self'", `form-action 'self' ${origins.join(' ')}`),
      );
  }

  /** A shared invoice of one of the client's dossiers (anything else: « introuvable »). */
  async invoiceForClient(client: FirmClient, itemId: string): Promise<SharedItem> {
    const item = await this.items.itemForClient(client, itemId);
    if (item.kind !== 'facture') throw notFound('item');
    return item;
  }

  async stateOf(client: FirmClient, invoice: SharedItem): Promise<InvoicePaymentState> {
    const [last] = await this.payments.paymentsFor(INVOICE_PAYMENT, invoice.id);
    const unpaid = invoice.details.status !== 'payee' && (invoice.details.amountCents ?? 0) > 0;
    return { payable: unpaid && (await this.firmTakesPayments(client.firmId)), lastPayment: last?.status ?? null };
  }

  /** Opens the payment at the provider; the caller redirects the client to the returned address. */
  async startPayment(client: FirmClient, itemId: string): Promise<string> {
    const invoice = await this.invoiceForClient(client, itemId);
    const firm = await this.firms.firm(client.firmId);
    if (invoice.details.status === 'payee')
      throw new ClientSpaceError(ClientSpaceErrorCode.NOT_PAYABLE, t('clientSpace:errors.alreadyPaid'));
    if (!(await this.firmTakesPayments(firm.id)) || !invoice.details.amountCents)
      throw new ClientSpaceError(ClientSpaceErrorCode.NOT_PAYABLE, t('clientSpace:errors.paymentNotOffered'));
    const page = `${this.config.publicUrl}/espace-client/cabinets/${firm.id}/factures/${invoice.id}`;
    const { redirectUrl } = await this.payments.startPayment({
      purpose: INVOICE_PAYMENT,
      reference: invoice.id,
      amountCents: invoice.details.amountCents,
      currency: 'EUR',
      description: `Facture ${invoice.details.invoiceNumber ?? ''} – ${firm.name}`.slice(0, 500),
      customerEmail: client.contact.email || undefined,
      returnUrl: `${page}?paiement=retour`,
      cancelUrl: `${page}?paiement=annule`,
    });
    return redirectUrl;
  }

  /** The provider's signed webhook said the money was taken: the invoice is « payée » (once; a replay changes nothing). */
  @OnDomainEvent('payments.payment.succeeded')
  async markPaid(event: PaymentSettledEvent): Promise<void> {
    if (event.purpose !== INVOICE_PAYMENT) return;
    const changed = await this.items.markInvoicePaid(event.reference, event.amountCents);
    if (changed)
      this.logger.info(
        { paymentId: event.paymentId, invoiceId: event.reference },
        'Espace client : facture payée en ligne',
      );
    else
      // Already paid (a replay), or the invoice's amount is no longer the one paid: nothing is changed.
      this.logger.warn(
        { paymentId: event.paymentId, invoiceId: event.reference },
        'Espace client : paiement reçu sans effet sur la facture (déjà payée, ou montant différent)',
      );
  }
}
