import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The legal documents the footer links to, each at its own address. */
export const LEGAL_DOCUMENT_KINDS = ['cgu', 'donnees-personnelles', 'mentions-legales', 'accessibilite'] as const;
export type LegalDocumentKind = (typeof LEGAL_DOCUMENT_KINDS)[number];

/**
 * A version of a legal document published by an operator (the defaults shipped in `defaults/*.md` are version
 * `2026-11` until one is published). The current version of a kind is its latest published; versions are never
 * changed or deleted, so that the version an account accepted can always be read again.
 */
@Entity('legal_document')
@Index('UQ_legal_document_kind_version', ['kind', 'version'], { unique: true })
@Index('IDX_legal_document_kind_published', ['kind', 'publishedAt'])
export class LegalDocument {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_legal_document' })
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: LegalDocumentKind;

  /** The label accounts accept (`account.terms_version` is varchar(16)). */
  @Column({ type: 'varchar', length: 16 })
  version: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** Markdown (no raw HTML: it is escaped when rendered). */
  @Column({ type: 'text' })
  body: string;

  /** The English version of the same text, when the operator gave one (`null`: English pages show the French text). */
  @Column({ name: 'title_en', type: 'varchar', length: 200, nullable: true })
  titleEn: string | null;

  /** Markdown, like `body`; given with `titleEn` or not at all. */
  @Column({ name: 'body_en', type: 'text', nullable: true })
  bodyEn: string | null;

  @CreateDateColumn({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  /** The operator's account (no foreign key: the version outlives a deleted account). */
  @Column({ name: 'published_by', type: 'uuid', nullable: true })
  publishedBy: string | null;
}
