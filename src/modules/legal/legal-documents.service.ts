import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import MarkdownIt from 'markdown-it';
import { QueryFailedError, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config';
import { AuditService } from '../../platform/audit';
import { projectRoot } from '../../platform/views/views';
import { LEGAL_DOCUMENT_KINDS, LegalDocument, type LegalDocumentKind } from './entities/legal-document.entity';
import { currentLegalVersions, DEFAULT_LEGAL_VERSION } from '../../platform/legal/versions';
import { currentLocale, t, translate, type Locale } from '../../platform/i18n/i18n';

/** The title of each document (`legal:titles.<kind>`), its address being its kind (`/cgu`, …), in the page's language. */
export function legalTitle(kind: LegalDocumentKind, locale: Locale = currentLocale()): string {
  return translate(locale, `legal:titles.${kind}`);
}

export interface LegalDocumentView {
  kind: LegalDocumentKind;
  version: string;
  title: string;
  /** Markdown as written. */
  body: string;
  /** Markdown rendered to HTML (raw HTML in the source is escaped). */
  html: string;
  /** `undefined` for the default text shipped with the platform. */
  publishedAt: Date | undefined;
  /** The same version in English, when the operator gave one (the defaults have none). */
  english?: { title: string; body: string; html: string };
}

/** What an operator publishes: the French text, and optionally the English one (both title and text, or neither). */
export interface LegalPublication {
  kind: string;
  version: string;
  title: string;
  body: string;
  titleEn?: string;
  bodyEn?: string;
}

export class LegalPublicationError extends Error {
  constructor(readonly fields: Record<string, string[]>) {
    super('Publication refusée');
  }
}

const VERSION = /^[0-9A-Za-z][0-9A-Za-z._-]{0,15}$/;
const REFRESH_MS = 60_000;

/** The legal documents: their current versions (published by an operator, or the defaults), and publishing one. */
@Injectable()
export class LegalDocumentsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectRepository(LegalDocument) private readonly documents: Repository<LegalDocument>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshVersions();
    // Another instance may publish: the versions asked at registration follow within a minute.
    this.timer = setInterval(() => void this.refreshVersions().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The current version of a document: the latest published, or the default text. */
  async current(kind: LegalDocumentKind): Promise<LegalDocumentView> {
    const latest = await this.documents.findOne({ where: { kind }, order: { publishedAt: 'DESC' } });
    return latest ? this.view(latest) : this.defaultDocument(kind);
  }

  /** Every published version of a document, newest first, then the default text. */
  async history(kind: LegalDocumentKind): Promise<LegalDocumentView[]> {
    const rows = await this.documents.find({ where: { kind }, order: { publishedAt: 'DESC' } });
    return [...rows.map((row) => this.view(row)), this.defaultDocument(kind)];
  }

  /**
   * Publishes a new version (audited `admin.legal.published`), with its English text or without; refused with messages
   * per field (in the console's language).
   */
  async publish(operatorId: string, input: LegalPublication): Promise<LegalDocumentView> {
    const kind = input.kind as LegalDocumentKind;
    if (!LEGAL_DOCUMENT_KINDS.includes(kind)) throw new LegalPublicationError({ kind: [t('legal:errors.kind')] });
    const version = (input.version ?? '').trim();
    const title = (input.title ?? '').trim();
    const body = (input.body ?? '').replace(/\r\n/g, '\n').trim();
    const titleEn = (input.titleEn ?? '').trim();
    const bodyEn = (input.bodyEn ?? '').replace(/\r\n/g, '\n').trim();
    const errors: Record<string, string[]> = {};
    if (!VERSION.test(version)) errors.version = [t('legal:errors.version')];
    if (!title || title.length > 200) errors.title = [t('legal:errors.title')];
    if (!body) errors.body = [t('legal:errors.body')];
    else if (body.length > 100_000) errors.body = [t('legal:errors.bodyTooLong')];
    if ([version, title, body].some((v) => v.includes('\u0000'))) errors.body = [t('legal:errors.forbiddenCharacter')];
    // The English version is optional, but whole: its title with its text.
    if (bodyEn && !titleEn) errors.titleEn = [t('legal:errors.titleEnMissing')];
    else if (titleEn.length > 200) errors.titleEn = [t('legal:errors.title')];
    if (titleEn && !bodyEn) errors.bodyEn = [t('legal:errors.bodyEnMissing')];
    else if (bodyEn.length > 100_000) errors.bodyEn = [t('legal:errors.bodyTooLong')];
    if ([titleEn, bodyEn].some((v) => v.includes('\u0000'))) errors.bodyEn = [t('legal:errors.forbiddenCharacter')];
    if (!errors.version && (version === DEFAULT_LEGAL_VERSION || (await this.documents.existsBy({ kind, version }))))
      errors.version = [t('legal:errors.versionTaken', { version })];
    if (Object.keys(errors).length) throw new LegalPublicationError(errors);
    const previous = await this.current(kind);
    let saved: LegalDocument;
    try {
      saved = await this.documents.manager.transaction(async (manager) => {
        const row = await manager.save(
          manager.create(LegalDocument, {
            kind,
            version,
            title,
            body,
            titleEn: titleEn || null,
            bodyEn: bodyEn || null,
            publishedBy: operatorId,
          }),
        );
        await this.audit.record(
          {
            actor: { type: 'operator', id: operatorId },
            action: 'admin.legal.published',
            target: { type: 'legal_document', id: row.id },
            outcome: 'success',
            // The version in force before and after (the texts themselves are kept in their rows).
            details: {
              kind,
              version,
              before: { version: previous.version, title: previous.title },
              after: { version, title, english: Boolean(bodyEn) },
            },
          },
          manager,
        );
        return row;
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as QueryFailedError & { code?: string }).code === '23505')
        throw new LegalPublicationError({ version: [t('legal:errors.versionTaken', { version })] });
      throw error;
    }
    await this.refreshVersions();
    return this.view(saved);
  }

  /** Reads the current CGU and personal-data versions into `currentLegalVersions`. */
  async refreshVersions(): Promise<void> {
    currentLegalVersions.terms = (await this.current('cgu')).version;
    currentLegalVersions.privacy = (await this.current('donnees-personnelles')).version;
  }

  private view(row: LegalDocument): LegalDocumentView {
    return {
      kind: row.kind,
      version: row.version,
      title: row.title,
      body: row.body,
      html: this.markdown.render(row.body),
      publishedAt: row.publishedAt,
      english:
        row.titleEn && row.bodyEn
          ? { title: row.titleEn, body: row.bodyEn, html: this.markdown.render(row.bodyEn) }
          : undefined,
    };
  }

  private defaultDocument(kind: LegalDocumentKind): LegalDocumentView {
    const { name, support } = this.config.brand;
    const contacts = [
      support.email ? `écrivez à ${support.email}` : undefined,
      support.phone ? `appelez le ${support.phone}` : undefined,
    ].filter(Boolean);
    const contact = contacts.length
      ? `Pour toute question, ${contacts.join(' ou ')}.`
      : 'Les coordonnées du support sont indiquées par l’exploitant dans les mentions légales.';
    const source = readFileSync(join(projectRoot(), 'src/modules/legal/defaults', `${kind}.md`), 'utf8');
    const body = source
      .replaceAll('{{service}}', name)
      .replaceAll('{{url}}', this.config.publicUrl)
      .replaceAll('{{contact}}', contact);
    return {
      kind,
      version: DEFAULT_LEGAL_VERSION,
      // The shipped texts are French (the reference): their title is French whatever the page's language.
      title: legalTitle(kind, 'fr'),
      body,
      html: this.markdown.render(body),
      publishedAt: undefined,
    };
  }
}
