import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentAccount, Permission, SignedIn, type SignedInAccount } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { projectRoot } from '../../../platform/views/views';
import { ClientSpaceError, ClientSpaceErrorCode, isFormInvalid } from '../client-space.errors';
import { ButtonFormDto, ContactFormDto, MessageFormDto, UploadFormDto } from '../dto/forms.dto';
import type { FirmClient } from '../entities/firm-client.entity';
import { FirmClientCheck } from '../firm-staff.check';
import { shortDate } from '../formats';
import { InvoicePaymentsService } from '../invoice-payments.service';
import { clientName, FirmsService } from '../firms.service';
import {
  ACCEPTED_TYPES,
  CATEGORIES,
  categories,
  ItemsService,
  UPLOAD_MAX_BYTES,
  UPLOAD_MAX_FILES,
  type CategoryKey,
} from '../items.service';
import { RequestsService } from '../requests.service';
import { sendFile } from './firm-pages.controller';
import { uploadOf, uploadProblem } from './upload.middleware';

const VIEWS = 'modules/client-space/views/client';
const assets = new Map<string, string>();
/** A file of the module's `assets/` folder (read once). */
const asset = (name: 'client-space.css' | 'depot.js'): string => {
  let text = assets.get(name);
  if (text === undefined) {
    text = readFileSync(join(projectRoot(), 'src/modules/client-space/assets', name), 'utf8');
    assets.set(name, text);
  }
  return text;
};
const CATEGORY_PATHS = CATEGORIES.map((c) => `cabinets/:firm/${c.key}`);
const REQUEST_STATUS = {
  'en-attente': 'clientSpace:client.contact.status.pending',
  acceptee: 'clientSpace:client.contact.status.accepted',
  refusee: 'clientSpace:client.contact.status.rejected',
} as const;

/**
 * « Mon espace client » (`/espace-client`), the seed's screens: the home page « ACCÉDER À : » with the shared elements
 * per category (every dossier together; an empty category hidden), the category and dossier pages, downloads, the
 * « dépôt de documents », « Mettre à jour mes coordonnées », « Contacter l’interlocuteur ». Every page names the firm;
 * the permission checks that the account is its client, and every query is bounded by that client record.
 */
@Controller('espace-client')
export class ClientPagesController {
  constructor(
    private readonly firms: FirmsService,
    private readonly items: ItemsService,
    private readonly requests: RequestsService,
    private readonly invoices: InvoicePaymentsService,
  ) {}

  @SignedIn()
  @Get()
  async choose(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    const records = await this.firms.clientRecords(me.id);
    if (records.length === 1) return res.redirect(303, `/espace-client/cabinets/${records[0].firmId}`);
    const firms = await Promise.all(records.map((r) => this.firms.firm(r.firmId)));
    res.render(`${VIEWS}/choose.njk`, { title: t('clientSpace:client.choose.title'), firms });
  }

  @Permission(FirmClientCheck)
  @Get('cabinets/:firm')
  async home(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    const client = await this.client(firmId, me);
    const counts = await this.items.counts(client);
    const notice = typeof res.req.query.depot === 'string' ? deposited(Number(res.req.query.depot)) : undefined;
    await this.render(res, client, 'home', t('clientSpace:client.nav.home'), {
      notice,
      categories: categories()
        .map((c) => ({ ...c, count: counts[c.key] }))
        .filter((c) => c.count > 0),
      upload: await this.uploadBox(client),
    });
  }

  @Permission(FirmClientCheck)
  @Get(CATEGORY_PATHS)
  async category(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const client = await this.client(firmId, me);
    const key = req.path.split('/').pop() as CategoryKey;
    const category = categories().find((c) => c.key === key)!;
    const counts = await this.items.counts(client);
    if (!category.kind) {
      const dossiers = await this.firms.summaries(firmId, await this.firms.dossiersOfClient(client));
      return this.render(res, client, 'dossiers', category.label, { dossiers, count: counts.dossiers });
    }
    const items = await this.items.forClient(client, category.kind);
    if (category.kind === 'facture') this.invoices.allowCheckout(res);
    await this.render(res, client, 'category', category.label, {
      category: { ...category, count: counts[category.key] },
      items,
      firmPays: await this.invoices.firmTakesPayments(firmId),
    });
  }

  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/dossiers/:dossier')
  async dossier(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('dossier') dossierId: string,
    @Res() res: Response,
  ) {
    const client = await this.client(firmId, me);
    const { dossier, items } = await this.items.dossierForClient(client, dossierId);
    const interlocutor = await this.firms.interlocutor(dossier);
    this.invoices.allowCheckout(res);
    const notice = typeof res.req.query.ok === 'string' ? t('clientSpace:client.dossier.messageSent') : undefined;
    const depot = typeof res.req.query.depot === 'string' ? deposited(Number(res.req.query.depot)) : undefined;
    await this.render(res, client, 'dossier', t('clientSpace:client.dossier.title', { number: dossier.number }), {
      notice: notice ?? depot,
      dossier,
      interlocutor: interlocutor.displayName,
      received: items.filter((i) => i.kind === 'document' && i.direction === 'recu'),
      deposited: items.filter((i) => i.kind === 'document' && i.direction === 'depose'),
      appointments: items.filter((i) => i.kind === 'rdv'),
      others: categories()
        .filter((c) => c.kind && c.kind !== 'document' && c.kind !== 'rdv')
        .map((c) => ({ label: c.label, kind: c.kind, items: items.filter((i) => i.kind === c.kind) }))
        .filter((g) => g.items.length > 0),
      thread: await this.requests.thread(dossier, client),
      firmPays: await this.invoices.firmTakesPayments(firmId),
      upload: await this.uploadBox(client, dossier.id),
    });
  }

  /**
   * An invoice, and the page the payment provider sends the client back to (`?paiement=retour|annule`): it shows the
   * invoice's state and never changes it; only the provider's signed webhook makes it « payée ».
   */
  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/factures/:item')
  async invoice(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('item') itemId: string,
    @Res() res: Response,
  ) {
    const client = await this.client(firmId, me);
    const invoice = await this.invoices.invoiceForClient(client, itemId);
    const [item] = (await this.items.forClient(client, 'facture')).filter((i) => i.id === invoice.id);
    const state = await this.invoices.stateOf(client, invoice);
    this.invoices.allowCheckout(res);
    const back = res.req.query.paiement;
    const paid = invoice.details.status === 'payee';
    let notice: string | undefined;
    let alert: string | undefined;
    if (paid) notice = back === 'retour' ? t('clientSpace:client.invoice.paid') : undefined;
    else if (state.lastPayment === 'pending' && back === 'retour') notice = t('clientSpace:client.invoice.pending');
    else if (state.lastPayment === 'failed' && back === 'retour') alert = t('clientSpace:client.invoice.refused');
    else if (back === 'annule') alert = t('clientSpace:client.invoice.cancelled');
    const title = t('clientSpace:client.invoice.title', { number: invoice.details.invoiceNumber ?? '' });
    await this.render(res, client, 'invoice', title, {
      item,
      notice,
      alert,
      payable: state.payable,
      confirming: !paid && state.lastPayment === 'pending' && back === 'retour',
    });
  }

  /** « Payer »: the payment is opened at the provider for the invoice's own amount; the client goes to its page. */
  @Permission(FirmClientCheck)
  @Post('cabinets/:firm/factures/:item/payer')
  async pay(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('item') itemId: string,
    @Body() _form: ButtonFormDto,
    @Res() res: Response,
  ) {
    const redirectUrl = await this.invoices.startPayment(await this.client(firmId, me), itemId);
    res.redirect(303, redirectUrl);
  }

  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/fichiers/:item')
  async download(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('item') itemId: string,
    @Res() res: Response,
  ) {
    const { item, data } = await this.items.fileForClient(await this.client(firmId, me), itemId);
    sendFile(res, item.fileName ?? 'document', item.fileType ?? 'application/octet-stream', data);
  }

  /**
   * « Dépôt de documents »: one or several files (drag-and-drop or the file picker). The script sends them with a
   * progress bar and asks for JSON; without JavaScript the form posts and the page comes back.
   */
  @Permission(FirmClientCheck)
  @HttpCode(200)
  @Post('cabinets/:firm/depot')
  async upload(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Body() form: UploadFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const client = await this.client(firmId, me);
    const wantsJson = req.accepts(['html', 'json']) === 'json';
    const upload = uploadOf(req);
    try {
      if ('problem' in upload)
        throw new ClientSpaceError(ClientSpaceErrorCode.FILE_REFUSED, uploadProblem(upload.problem));
      const saved = await this.items.upload(client, form.dossier ?? '', upload.files);
      const back = req.get('referer')?.includes(`/dossiers/${form.dossier}`)
        ? `/espace-client/cabinets/${firmId}/dossiers/${form.dossier}?depot=${saved.length}`
        : `/espace-client/cabinets/${firmId}?depot=${saved.length}`;
      if (wantsJson) return res.json({ deposited: saved.length, message: deposited(saved.length), next: back });
      res.redirect(303, back);
    } catch (error) {
      const refused = [
        ClientSpaceErrorCode.FORM_INVALID,
        ClientSpaceErrorCode.FILE_REFUSED,
        ClientSpaceErrorCode.ANTIVIRUS_UNAVAILABLE,
      ] as string[];
      if (!(error instanceof ClientSpaceError) || !refused.includes(error.code)) throw error;
      const message =
        Object.values(error.fields ?? {})
          .flat()
          .join(' ') || error.message;
      // The antivirus not answering is the platform's problem, not the file's: 503, the same page and message.
      const status = error.code === (ClientSpaceErrorCode.ANTIVIRUS_UNAVAILABLE as string) ? 503 : 400;
      if (wantsJson) return res.status(status).json({ message });
      const counts = await this.items.counts(client);
      await this.render(res.status(status), client, 'home', t('clientSpace:client.nav.home'), {
        categories: categories()
          .map((c) => ({ ...c, count: counts[c.key] }))
          .filter((c) => c.count > 0),
        upload: { ...(await this.uploadBox(client, form.dossier)), error: message },
      });
    }
  }

  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/coordonnees')
  async contactForm(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    const client = await this.client(firmId, me);
    await this.renderContact(res, client, client.contact, {});
  }

  @Permission(FirmClientCheck)
  @HttpCode(200)
  @Post('cabinets/:firm/coordonnees')
  async requestContactChange(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Body() form: ContactFormDto,
    @Res() res: Response,
  ) {
    const client = await this.client(firmId, me);
    try {
      await this.requests.requestContactChange(client, form);
      res.redirect(303, `/espace-client/cabinets/${firmId}/coordonnees?envoye=1`);
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      await this.renderContact(res.status(400), client, form, error.fields ?? {});
    }
  }

  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/dossiers/:dossier/contact')
  async messageForm(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('dossier') dossierId: string,
    @Res() res: Response,
  ) {
    const client = await this.client(firmId, me);
    await this.renderMessage(res, client, dossierId, {}, {});
  }

  @Permission(FirmClientCheck)
  @HttpCode(200)
  @Post('cabinets/:firm/dossiers/:dossier/contact')
  async message(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('dossier') dossierId: string,
    @Body() form: MessageFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const client = await this.client(firmId, me);
    const { dossier } = await this.items.dossierForClient(client, dossierId);
    const upload = uploadOf(req);
    if ('problem' in upload)
      return this.renderMessage(res.status(400), client, dossierId, form, {
        attachments: [uploadProblem(upload.problem, 'sent')],
      });
    try {
      await this.requests.writeToInterlocutor(client, dossier, form, upload.files);
      res.redirect(303, `/espace-client/cabinets/${firmId}/dossiers/${dossier.id}?ok=message`);
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      await this.renderMessage(res.status(400), client, dossierId, form, error.fields ?? {});
    }
  }

  /** A file joined to a message of the client's own thread. */
  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/messages/:message/pieces/:n')
  async attachment(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('message') messageId: string,
    @Param('n') index: string,
    @Res() res: Response,
  ) {
    const client = await this.client(firmId, me);
    const { attachment, data } = await this.requests.attachmentForClient(client, messageId, index);
    sendFile(res, attachment.name, attachment.type, data);
  }

  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/mon-compte')
  async account(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    const client = await this.client(firmId, me);
    await this.render(res, client, 'account', t('clientSpace:client.account.title'), {});
  }

  /**
   * The client pages' own styles. The firm's colour comes from the shared brand seam (the layout's
   * `/theme/marque.css`, checked at WCAG 2.1 AA): `--cabinet-couleur` is the brand's primary colour.
   */
  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/theme.css')
  async theme(@Param('firm') firmId: string, @Res() res: Response) {
    await this.firms.firm(firmId);
    res.type('text/css').setHeader('Cache-Control', 'private, max-age=300');
    res.send(asset('client-space.css'));
  }

  /** The « dépôt de documents » script (drag-and-drop, progress). */
  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/depot.js')
  script(@Res() res: Response) {
    res.type('text/javascript').setHeader('Cache-Control', 'private, max-age=300');
    res.send(asset('depot.js'));
  }

  @Permission(FirmClientCheck)
  @Get('cabinets/:firm/logo')
  async logo(@Param('firm') firmId: string, @Res() res: Response) {
    const logo = await this.firms.logo(firmId);
    if (!logo) throw new ClientSpaceError(ClientSpaceErrorCode.ITEM_NOT_FOUND, t('clientSpace:errors.noLogo'));
    res.type(logo.type).setHeader('Cache-Control', 'private, max-age=300');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(logo.data);
  }

  // ---- rendering ----

  private async client(firmId: string, me: SignedInAccount): Promise<FirmClient> {
    const client = await this.firms.clientRecord(firmId, me.id);
    if (!client)
      throw new ClientSpaceError(ClientSpaceErrorCode.CLIENT_NOT_FOUND, t('clientSpace:errors.spaceNotFound'));
    return client;
  }

  private async uploadBox(client: FirmClient, dossierId?: string) {
    const dossiers = await this.firms.dossiersOfClient(client);
    return {
      dossiers: dossiers.map((d) => ({ id: d.id, name: `${d.number} - ${d.label}` })),
      selected: dossierId ?? (dossiers.length === 1 ? dossiers[0].id : ''),
      fixed: Boolean(dossierId),
      maxBytes: UPLOAD_MAX_BYTES,
      maxMegabytes: UPLOAD_MAX_BYTES / 1024 / 1024,
      maxFiles: UPLOAD_MAX_FILES,
      accept: [...new Set(Object.values(ACCEPTED_TYPES))].map((e) => `.${e}`).join(',') + ',.xls,.ppt,.jpeg,.tiff',
      // The script's messages (depot.js), in the page's language; `{name}` is the file's.
      messages: {
        none: t('clientSpace:errors.uploadNone'),
        tooMany: t('clientSpace:errors.uploadTooMany', { files: UPLOAD_MAX_FILES }),
        tooLarge: t('clientSpace:upload.fileTooLarge', { name: '{name}', megabytes: UPLOAD_MAX_BYTES / 1024 / 1024 }),
        size: t('clientSpace:upload.kilobytes', { size: '{size}' }),
        sending: t('clientSpace:upload.sending'),
        failed: t('clientSpace:upload.failed'),
        network: t('clientSpace:upload.network'),
      },
    };
  }

  private async render(
    res: Response,
    client: FirmClient,
    view: string,
    title: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const firm = await this.firms.firm(client.firmId);
    const base = `/espace-client/cabinets/${firm.id}`;
    res.render(`${VIEWS}/${view}.njk`, {
      // « Accueil - Cabinet Delmas »: the layout adds the brand's name, the firm's.
      title,
      pageTitle: title,
      firm,
      // The shared brand seam (branding.ts): the header shows the firm's name and logo, the page its colour.
      brand: { name: firm.name, logoUrl: firm.logoKey ? `${base}/logo` : undefined, primaryColor: firm.primaryColor },
      person: clientName(client),
      base,
      ...data,
    });
  }

  private async renderContact(res: Response, client: FirmClient, values: object, errors: object) {
    const sent = res.req.query.envoye !== undefined;
    const history = (await this.requests.contactChangesOf(client)).map((r) => ({
      date: shortDate(r.createdAt),
      status: t(REQUEST_STATUS[r.status]),
    }));
    await this.render(res, client, 'contact', t('clientSpace:client.contact.title'), {
      values,
      errors,
      errorCount: Object.keys(errors).length,
      notice: sent ? t('clientSpace:client.contact.sent') : undefined,
      history,
    });
  }

  private async renderMessage(res: Response, client: FirmClient, dossierId: string, values: object, errors: object) {
    const { dossier } = await this.items.dossierForClient(client, dossierId);
    const interlocutor = await this.firms.interlocutor(dossier);
    await this.render(res, client, 'message', t('clientSpace:client.message.title'), {
      dossier,
      interlocutor: interlocutor.displayName,
      values,
      errors,
      errorCount: Object.keys(errors).length,
    });
  }
}

const deposited = (n: number) =>
  Number.isInteger(n) && n > 0 ? t('clientSpace:upload.deposited', { count: n }) : undefined;
