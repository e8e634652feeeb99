import { Body, Controller, Get, NotFoundException, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { currentLocale, t } from '../../../platform/i18n/i18n';
import { CurrentSession, Permission, type SignedInContext } from '../../../platform/http/access-policy';
import { FormDto, TextField } from '../../../platform/http/form-fields';
import { OperatorRoles } from '../../admin';
import { LEGAL_DOCUMENT_KINDS, type LegalDocumentKind } from '../entities/legal-document.entity';
import { LegalDocumentsService, LegalPublicationError, legalTitle } from '../legal-documents.service';

export class PublishLegalDocumentFormDto extends FormDto {
  @TextField(16) version?: string;
  @TextField(200) title?: string;
  @TextField(100_000) body?: string;
  @TextField(200) titleEn?: string;
  @TextField(100_000) bodyEn?: string;
}

/** « 01/12/2026 14:05 », Paris time (the same digits in French and British English). */
const shortDateTime = (date: Date) =>
  new Intl.DateTimeFormat(currentLocale() === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  }).format(date);

const VIEWS = 'modules/legal/views';

/** « Textes légaux » in the console: each document's versions, and publishing a new one (super-admin, audited). */
@Permission(OperatorRoles, 'lecture')
@Controller('admin/textes-legaux')
export class LegalConsoleController {
  constructor(private readonly legal: LegalDocumentsService) {}

  @Get()
  async list(@Res() res: Response): Promise<void> {
    const documents = await Promise.all(LEGAL_DOCUMENT_KINDS.map((kind) => this.legal.current(kind)));
    res.render(`${VIEWS}/console-list.njk`, {
      title: t('legal:console.title'),
      section: 'legal',
      documents: documents.map((d) => ({
        ...d,
        label: legalTitle(d.kind),
        publishedOn: d.publishedAt ? shortDateTime(d.publishedAt) : undefined,
      })),
    });
  }

  @Get(':kind')
  async edit(@Param('kind') kind: string, @Res() res: Response): Promise<void> {
    const current = await this.legal.current(this.kindOf(kind));
    await this.renderEdit(res, current.kind, {
      version: '',
      title: current.title,
      body: current.body,
      titleEn: current.english?.title ?? '',
      bodyEn: current.english?.body ?? '',
    });
  }

  @Permission(OperatorRoles, 'super-admin')
  @Post(':kind')
  async publish(
    @CurrentSession() me: SignedInContext,
    @Param('kind') kind: string,
    @Body() form: PublishLegalDocumentFormDto,
    @Res() res: Response,
  ): Promise<void> {
    const documentKind = this.kindOf(kind);
    const values = {
      version: form.version ?? '',
      title: form.title ?? '',
      body: form.body ?? '',
      titleEn: form.titleEn ?? '',
      bodyEn: form.bodyEn ?? '',
    };
    try {
      const published = await this.legal.publish(me.account.id, { kind: documentKind, ...values });
      await this.renderEdit(
        res.status(200),
        documentKind,
        {
          version: '',
          title: published.title,
          body: published.body,
          titleEn: published.english?.title ?? '',
          bodyEn: published.english?.body ?? '',
        },
        {},
        t('legal:console.published', { version: published.version }),
      );
    } catch (error) {
      if (!(error instanceof LegalPublicationError)) throw error;
      await this.renderEdit(res.status(400), documentKind, values, error.fields);
    }
  }

  private kindOf(kind: string): LegalDocumentKind {
    if (!LEGAL_DOCUMENT_KINDS.includes(kind as LegalDocumentKind)) throw new NotFoundException();
    return kind as LegalDocumentKind;
  }

  private async renderEdit(
    res: Response,
    kind: LegalDocumentKind,
    values: Record<string, string>,
    errors: Record<string, string[]> = {},
    notice?: string,
  ): Promise<void> {
    const history = await this.legal.history(kind);
    res.render(`${VIEWS}/console-edit.njk`, {
      title: legalTitle(kind),
      section: 'legal',
      kind,
      label: legalTitle(kind),
      values,
      errors,
      errorCount: Object.keys(errors).length,
      notice,
      history: history.map((d) => ({
        version: d.version,
        title: d.title,
        publishedOn: d.publishedAt ? shortDateTime(d.publishedAt) : undefined,
        english: Boolean(d.english),
      })),
      asksAcceptance: kind === 'cgu' || kind === 'donnees-personnelles',
    });
  }
}
