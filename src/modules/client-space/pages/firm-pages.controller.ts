import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentAccount, Permission, SignedIn, type SignedInAccount } from '../../../platform/http/access-policy';
import { t } from '../../../platform/i18n/i18n';
import { ClientSpaceError, ClientSpaceErrorCode, isFormInvalid } from '../client-space.errors';
import {
  BrandingFormDto,
  ButtonFormDto,
  InviteClientFormDto,
  MessageFormDto,
  NewDossierFormDto,
  NewItemFormDto,
} from '../dto/forms.dto';
import type { StaffRole } from '../entities/firm.entity';
import type { FirmActor } from '../firm-audit';
import { FirmStaffCheck } from '../firm-staff.check';
import { clientName, FirmsService } from '../firms.service';
import { categories, ItemsService } from '../items.service';
import { RequestsService } from '../requests.service';
import { uploadOf, uploadProblem } from './upload.middleware';

const VIEWS = 'modules/client-space/views/firm';
const fieldErrors = (error: ClientSpaceError) => error.fields ?? {};
/** The staff member acting, for the audit trail. */
const staff = (me: SignedInAccount): FirmActor => ({ type: 'account', id: me.id });
/** « Associé / avocat », « Assistant », « Lecture seule », in the page's language. */
const roleLabel = (role: StaffRole) => t(`clientSpace:firm.roles.${role}`);

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
    res.render(`${VIEWS}/choose.njk`, { title: t('clientSpace:firm.title'), firms });
  }

  @Permission(FirmStaffCheck)
  @Get('cabinets/:firm')
  async home(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    await this.renderHome(res, firmId, me, {});
  }

  @Permission(FirmStaffCheck, 'write')
  @Get('cabinets/:firm/clients/nouveau')
  async inviteForm(@CurrentAccount() me: SignedInAccount, @Param('firm') firmId: string, @Res() res: Response) {
    await this.render(res, firmId, me, 'invite-client', t('clientSpace:firm.invite.title'), {
      values: { kind: 'personne' },
    });
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
      await this.render(res.status(400), firmId, me, 'invite-client', t('clientSpace:firm.invite.title'), {
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
    const notice = typeof req.query.ok === 'string' ? noticeOf(req.query.ok) : undefined;
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
        errors: { file: [uploadProblem(upload.problem)] },
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
        messageErrors: { attachments: [uploadProblem(upload.problem, 'sent')] },
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
    await this.render(res, firmId, me, 'branding', t('clientSpace:firm.branding.title'), {
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
        throw new ClientSpaceError(ClientSpaceErrorCode.FORM_INVALID, uploadProblem(upload.problem), {
          logo: [uploadProblem(upload.problem)],
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
      await this.render(res.status(400), firmId, me, 'branding', t('clientSpace:firm.branding.title'), {
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
      member: member && { ...member, roleLabel: roleLabel(member.role) },
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
        ? t('clientSpace:firm.invite.sent', { email: query.invite })
        : typeof query.ok === 'string'
          ? noticeOf(query.ok)
          : undefined;
    const clients = (await this.firms.clients(firmId)).map((c) => ({ ...c, name: clientName(c) }));
    await this.render(res, firmId, me, 'home', t('clientSpace:firm.title'), {
      notice,
      clients,
      dossiers: await this.firms.dossiers(firmId),
      staff: (await this.firms.staffOf(firmId)).map((s) => ({ ...s, roleLabel: roleLabel(s.role) })),
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
    await this.render(res, firmId, me, 'new-dossier', t('clientSpace:firm.newDossier.title'), {
      values,
      errors,
      staff,
      clients,
    });
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
    await this.render(res, firmId, me, 'dossier', t('clientSpace:firm.dossier.title', { dossier: dossier.number }), {
      dossier: summary,
      groups: categories()
        .filter((c) => c.kind)
        .map((c) => ({
          label: c.label,
          kind: c.kind,
          items: items.filter((i) => i.kind === c.kind),
        })),
      clients,
      thread,
      message: {},
      messageErrors: {},
      values: { kind: 'document', share: 'oui' },
      ...data,
    });
  }
}

/** The notice after an action (`?ok=…`), in the page's language. */
const NOTICES: Record<string, string> = {
  ajoute: 'clientSpace:firm.notices.added',
  partage: 'clientSpace:firm.notices.shared',
  retire: 'clientSpace:firm.notices.unshared',
  message: 'clientSpace:firm.notices.message',
  acceptee: 'clientSpace:firm.notices.accepted',
  refusee: 'clientSpace:firm.notices.rejected',
  apparence: 'clientSpace:firm.notices.branding',
};
const noticeOf = (ok: string): string | undefined => (Object.hasOwn(NOTICES, ok) ? t(NOTICES[ok]) : undefined);

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
