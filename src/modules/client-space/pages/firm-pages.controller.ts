import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentAccount, Permission, SignedIn, type SignedInAccount } from '../../../platform/http/access-policy';
import { ClientSpaceError, ClientSpaceErrorCode, isFormInvalid } from '../client-space.errors';
import {
  BrandingFormDto,
  ButtonFormDto,
  InviteClientFormDto,
  MessageFormDto,
  NewDossierFormDto,
  NewItemFormDto,
} from '../dto/forms.dto';
import { STAFF_ROLE_LABELS } from '../entities/firm.entity';
import type { FirmActor } from '../firm-audit';
import { FirmStaffCheck } from '../firm-staff.check';
import { clientName, FirmsService } from '../firms.service';
import { CATEGORIES, ItemsService, KIND_LABELS } from '../items.service';
import { RequestsService } from '../requests.service';
import { UPLOAD_PROBLEMS, uploadOf } from './upload.middleware';

const VIEWS = 'modules/client-space/views/firm';
const fieldErrors = (error: ClientSpaceError) => error.fields ?? {};
/** The staff member acting, for the audit trail. */
const staff = (me: SignedInAccount): FirmActor => ({ type: 'account', id: me.id });

/**
 * The firm's side (`/espace-cabinet`): its clients (invited to the client space), its dossiers and their items, shared
 * one by one, the clients' requests and messages. Every page names the firm; the permission checks its staff (and
 * `write` refuses the read-only role).
 */
@Controller('espace-cabinet')
export class FirmPagesController {
  constructor(
    private readonly firms: FirmsService,
    private readonly items: ItemsService,
    private readonly requests: RequestsService,
  ) {}

  @SignedIn()
  @Get()
  async choose(@CurrentAccount() me: SignedInAccount, @Res() res: Response): Promise<void> {
    const firms = await this.firms.firmsOfStaff(me.id);
    if (firms.length === 1) return res.redirect(303, `/espace-cabinet/cabinets/${firms[0].id}`);
    res.render(`${VIEWS}/choose.njk`, { title: 'Espace cabinet', firms });
  }

  @Permission(FirmStaffCheck)
  @Get('cabinets/:firm')
  async home(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    await this.renderHome(res, firmId, me, {});
  }

  @Permission(FirmStaffCheck, 'write')
  @Get('cabinets/:firm/clients/nouveau')
  async inviteForm(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    await this.render(res, firmId, me, 'invite-client', 'Inviter un client', { values: { kind: 'personne' } });
  }

  @Permission(FirmStaffCheck, 'write')
  @HttpCode(200)
  @Post('cabinets/:firm/clients/nouveau')
  async invite(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Body() form: InviteClientFormDto,
    @Res() res: Response,
  ) {
    const { _csrf, kind, companyName, ...contact } = form;
    void _csrf;
    try {
      const client = await this.firms.inviteClient(firmId, { kind: kind ?? '', companyName, contact }, staff(me));
      res.redirect(303, `/espace-cabinet/cabinets/${firmId}?invite=${encodeURIComponent(client.contact.email)}`);
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      await this.render(res.status(400), firmId, me, 'invite-client', 'Inviter un client', {
        values: form,
        errors: fieldErrors(error),
      });
    }
  }

  @Permission(FirmStaffCheck, 'write')
  @Get('cabinets/:firm/dossiers/nouveau')
  async dossierForm(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    await this.renderDossierForm(res, firmId, me, { clientIds: [] }, {});
  }

  @Permission(FirmStaffCheck, 'write')
  @HttpCode(200)
  @Post('cabinets/:firm/dossiers/nouveau')
  async createDossier(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Body() form: NewDossierFormDto,
    @Res() res: Response,
  ) {
    try {
      const dossier = await this.firms.createDossier(
        firmId,
        {
          number: form.number ?? '',
          label: form.label ?? '',
          interlocutorId: form.interlocutorId ?? '',
          clientIds: form.clientIds,
        },
        staff(me),
      );
      res.redirect(303, `/espace-cabinet/cabinets/${firmId}/dossiers/${dossier.id}`);
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      await this.renderDossierForm(res.status(400), firmId, me, form, fieldErrors(error));
    }
  }

  @Permission(FirmStaffCheck)
  @Get('cabinets/:firm/dossiers/:dossier')
  async dossier(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('dossier') dossierId: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const notice = typeof req.query.ok === 'string' ? notices[req.query.ok] : undefined;
    await this.renderDossier(res, firmId, dossierId, me, { notice });
  }

  @Permission(FirmStaffCheck, 'write')
  @HttpCode(200)
  @Post('cabinets/:firm/dossiers/:dossier/elements')
  async addItem(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('dossier') dossierId: string,
    @Body() form: NewItemFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const upload = uploadOf(req);
    if ('problem' in upload)
      return this.renderDossier(res.status(400), firmId, dossierId, me, {
        values: form,
        errors: { file: [UPLOAD_PROBLEMS[upload.problem]] },
      });
    try {
      await this.items.create(
        firmId,
        dossierId,
        {
          kind: form.kind ?? '',
          title: form.title ?? '',
          date: form.date ?? '',
          place: form.place,
          time: form.time,
          invoiceNumber: form.invoiceNumber,
          amount: form.amount,
          minutes: form.minutes,
          file: upload.files[0],
          share: form.share === 'oui',
        },
        staff(me),
      );
      res.redirect(303, `/espace-cabinet/cabinets/${firmId}/dossiers/${dossierId}?ok=ajoute`);
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      await this.renderDossier(res.status(400), firmId, dossierId, me, { values: form, errors: fieldErrors(error) });
    }
  }

  @Permission(FirmStaffCheck, 'write')
  @Post('cabinets/:firm/elements/:item/partager')
  async share(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('item') itemId: string,
    @Body() _form: ButtonFormDto,
    @Res() res: Response,
  ) {
    await this.items.share(firmId, itemId, staff(me));
    const item = await this.items.itemOfFirm(firmId, itemId);
    res.redirect(303, `/espace-cabinet/cabinets/${firmId}/dossiers/${item.dossierId}?ok=partage`);
  }

  @Permission(FirmStaffCheck, 'write')
  @Post('cabinets/:firm/elements/:item/retirer')
  async unshare(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('item') itemId: string,
    @Body() _form: ButtonFormDto,
    @Res() res: Response,
  ) {
    await this.items.unshare(firmId, itemId, staff(me));
    const item = await this.items.itemOfFirm(firmId, itemId);
    res.redirect(303, `/espace-cabinet/cabinets/${firmId}/dossiers/${item.dossierId}?ok=retire`);
  }

  @Permission(FirmStaffCheck)
  @Get('cabinets/:firm/elements/:item/fichier')
  async file(@Param('firm') firmId: string, @Param('item') itemId: string, @Res() res: Response) {
    const { item, data } = await this.items.fileForFirm(firmId, itemId);
    sendFile(res, item.fileName ?? 'document', item.fileType ?? 'application/octet-stream', data);
  }

  @Permission(FirmStaffCheck, 'write')
  @HttpCode(200)
  @Post('cabinets/:firm/dossiers/:dossier/messages')
  async reply(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('dossier') dossierId: string,
    @Body() form: MessageFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const dossier = await this.firms.dossier(firmId, dossierId);
    const upload = uploadOf(req);
    if ('problem' in upload)
      return this.renderDossier(res.status(400), firmId, dossierId, me, {
        message: form,
        messageErrors: { attachments: [UPLOAD_PROBLEMS[upload.problem].replace('déposé', 'envoyé')] },
      });
    try {
      await this.requests.reply(firmId, dossier, staff(me), form, upload.files);
      res.redirect(303, `/espace-cabinet/cabinets/${firmId}/dossiers/${dossierId}?ok=message`);
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      await this.renderDossier(res.status(400), firmId, dossierId, me, {
        message: form,
        messageErrors: fieldErrors(error),
      });
    }
  }

  /** A file joined to a message of one of the firm's dossiers. */
  @Permission(FirmStaffCheck)
  @Get('cabinets/:firm/messages/:message/pieces/:n')
  async attachment(
    @Param('firm') firmId: string,
    @Param('message') messageId: string,
    @Param('n') index: string,
    @Res() res: Response,
  ) {
    const { attachment, data } = await this.requests.attachmentForFirm(firmId, messageId, index);
    sendFile(res, attachment.name, attachment.type, data);
  }

  @Permission(FirmStaffCheck, 'write')
  @Post('cabinets/:firm/demandes/:request/accepter')
  async accept(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('request') requestId: string,
    @Body() _form: ButtonFormDto,
    @Res() res: Response,
  ) {
    await this.requests.decide(firmId, requestId, true, staff(me));
    res.redirect(303, `/espace-cabinet/cabinets/${firmId}?ok=acceptee`);
  }

  @Permission(FirmStaffCheck, 'write')
  @Post('cabinets/:firm/demandes/:request/refuser')
  async reject(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Param('request') requestId: string,
    @Body() _form: ButtonFormDto,
    @Res() res: Response,
  ) {
    await this.requests.decide(firmId, requestId, false, staff(me));
    res.redirect(303, `/espace-cabinet/cabinets/${firmId}?ok=refusee`);
  }

  @Permission(FirmStaffCheck, 'write')
  @Get('cabinets/:firm/apparence')
  async brandingForm(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    const firm = await this.firms.firm(firmId);
    await this.render(res, firmId, me, 'branding', 'Apparence de l’espace client', {
      values: { name: firm.name, primaryColor: firm.primaryColor },
    });
  }

  @Permission(FirmStaffCheck, 'write')
  @HttpCode(200)
  @Post('cabinets/:firm/apparence')
  async branding(
    @CurrentAccount() me: SignedInAccount,
    @Param('firm') firmId: string,
    @Body() form: BrandingFormDto,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const upload = uploadOf(req);
    try {
      if ('problem' in upload)
        throw new ClientSpaceError(ClientSpaceErrorCode.FORM_INVALID, UPLOAD_PROBLEMS[upload.problem], {
          logo: [UPLOAD_PROBLEMS[upload.problem]],
        });
      await this.firms.updateBranding(
        firmId,
        {
          name: form.name,
          primaryColor: form.primaryColor,
          logo: upload.files[0]?.data,
        },
        staff(me),
      );
      res.redirect(303, `/espace-cabinet/cabinets/${firmId}?ok=apparence`);
    } catch (error) {
      if (!isFormInvalid(error)) throw error;
      await this.render(res.status(400), firmId, me, 'branding', 'Apparence de l’espace client', {
        values: form,
        errors: fieldErrors(error),
      });
    }
  }

  // ---- rendering ----

  private async render(
    res: Response,
    firmId: string,
    me: SignedInAccount,
    view: string,
    title: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const firm = await this.firms.firm(firmId);
    const member = await this.firms.membership(firmId, me.id);
    const errors = data.errors ?? {};
    res.render(`${VIEWS}/${view}.njk`, {
      title,
      firm,
      member: member && { ...member, roleLabel: STAFF_ROLE_LABELS[member.role] },
      canWrite: member?.role !== 'lecture',
      base: `/espace-cabinet/cabinets/${firmId}`,
      errors,
      errorCount: Object.keys(errors).length,
      values: {},
      ...data,
    });
  }

  private async renderHome(res: Response, firmId: string, me: SignedInAccount, data: Record<string, unknown>) {
    const query = res.req.query;
    const notice =
      typeof query.invite === 'string'
        ? `Invitation envoyée à ${query.invite} : la personne choisira elle-même son mot de passe.`
        : typeof query.ok === 'string'
          ? notices[query.ok]
          : undefined;
    const clients = (await this.firms.clients(firmId)).map((c) => ({ ...c, name: clientName(c) }));
    await this.render(res, firmId, me, 'home', 'Espace cabinet', {
      notice,
      clients,
      dossiers: await this.firms.dossiers(firmId),
      staff: (await this.firms.staffOf(firmId)).map((s) => ({ ...s, roleLabel: STAFF_ROLE_LABELS[s.role] })),
      changes: (await this.requests.pendingContactChanges(firmId)).map(({ request, client }) => ({
        id: request.id,
        client: clientName(client),
        current: client.contact,
        requested: request.requested,
      })),
      unread: await this.requests.unreadCount(firmId),
      ...data,
    });
  }

  private async renderDossierForm(
    res: Response,
    firmId: string,
    me: SignedInAccount,
    values: object,
    errors: object,
  ): Promise<void> {
    const staff = (await this.firms.staffOf(firmId)).filter((s) => s.role !== 'lecture');
    const clients = (await this.firms.clients(firmId)).map((c) => ({ id: c.id, name: clientName(c) }));
    await this.render(res, firmId, me, 'new-dossier', 'Nouveau dossier', { values, errors, staff, clients });
  }

  private async renderDossier(
    res: Response,
    firmId: string,
    dossierId: string,
    me: SignedInAccount,
    data: Record<string, unknown>,
  ): Promise<void> {
    const dossier = await this.firms.dossier(firmId, dossierId);
    const [summary] = await this.firms.summaries(firmId, [dossier]);
    const items = await this.items.ofDossier(firmId, dossierId);
    const clients = (await this.firms.clientsOfDossier(dossier.id)).map((c) => ({ id: c.id, name: clientName(c) }));
    const thread = (await this.requests.thread(dossier)).map((m) => ({
      ...m,
      clientName: clients.find((c) => c.id === m.clientId)?.name,
    }));
    // Reading is not a change: a read-only member's visit leaves the clients' messages unread for the others.
    if ((await this.firms.membership(firmId, me.id))?.role !== 'lecture') await this.requests.markRead(dossier);
    await this.render(res, firmId, me, 'dossier', `Dossier ${dossier.number}`, {
      dossier: summary,
      groups: CATEGORIES.filter((c) => c.kind).map((c) => ({
        label: c.label,
        kind: c.kind,
        items: items.filter((i) => i.kind === c.kind),
      })),
      kindLabels: KIND_LABELS,
      clients,
      thread,
      message: {},
      messageErrors: {},
      values: { kind: 'document', share: 'oui' },
      ...data,
    });
  }
}

const notices: Record<string, string> = {
  ajoute: 'L’élément a été ajouté au dossier.',
  partage: 'L’élément est partagé : les clients du dossier le verront et en seront avertis par e-mail.',
  retire: 'L’élément n’est plus partagé : les clients du dossier ne le voient plus.',
  message: 'Votre message a été envoyé au client.',
  acceptee: 'La demande est acceptée : les coordonnées du client sont mises à jour, et il en est averti.',
  refusee: 'La demande est refusée : les coordonnées du client restent inchangées, et il en est averti.',
  apparence: 'L’apparence de l’espace client est enregistrée.',
};

/** Sends a stored file as a download, never rendered inline (a shared document is not a page of the platform). */
export function sendFile(res: Response, name: string, type: string, data: Buffer): void {
  res.setHeader('Content-Type', type);
  res.setHeader(
    'Content-Disposition',
    `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(data);
}
