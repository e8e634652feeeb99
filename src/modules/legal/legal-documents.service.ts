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

/** The title of each document, its address being its kind (`/cgu`, `/donnees-personnelles`, …). */
export const LEGAL_TITLES: Record<LegalDocumentKind, string> = {
  cgu: 'Conditions générales d’utilisation',
  'donnees-personnelles': 'Données personnelles',
  'mentions-legales': 'Mentions légales',
  accessibilite: 'Déclaration d’accessibilité',
};

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

  /** Publishes a new version (audited `admin.legal.published`); refused with French messages per field. */
  async publish(
    operatorId: string,
    input: { kind: string; version: string; title: string; body: string },
  ): Promise<LegalDocumentView> {
    const kind = input.kind as LegalDocumentKind;
    if (!LEGAL_DOCUMENT_KINDS.includes(kind)) throw new LegalPublicationError({ kind: ['Document inconnu.'] });
    const version = (input.version ?? '').trim();
    const title = (input.title ?? '').trim();
    const body = (input.body ?? '').replace(/\r\n/g, '\n').trim();
    const errors: Record<string, string[]> = {};
    if (!VERSION.test(version))
      errors.version = [
        'Indiquez un numéro de version de 1 à 16 caractères : lettres, chiffres, point, tiret (exemple : 2027-01).',
      ];
    if (!title || title.length > 200) errors.title = ['Indiquez un titre de 1 à 200 caractères.'];
    if (!body) errors.body = ['Saisissez le texte du document.'];
    else if (body.length > 100_000) errors.body = ['Le texte dépasse 100 000 caractères.'];
    if ([version, title, body].some((v) => v.includes('\u0000')))
      errors.body = ['Le texte contient un caractère interdit.'];
    if (!errors.version && (version === DEFAULT_LEGAL_VERSION || (await this.documents.existsBy({ kind, version }))))
      errors.version = [`La version ${version} existe déjà : choisissez un nouveau numéro.`];
    if (Object.keys(errors).length) throw new LegalPublicationError(errors);
    const previous = await this.current(kind);
    let saved: LegalDocument;
    try {
      saved = await this.documents.manager.transaction(async (manager) => {
        const row = await manager.save(
          manager.create(LegalDocument, { kind, version, title, body, publishedBy: operatorId }),
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
              after: { version, title },
            },
          },
          manager,
        );
        return row;
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as QueryFailedError & { code?: string }).code === '23505')
        throw new LegalPublicationError({
          version: [`La version ${version} existe déjà : choisissez un nouveau numéro.`],
        });
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
      title: LEGAL_TITLES[kind],
      body,
      html: this.markdown.render(body),
      publishedAt: undefined,
    };
  }
}
