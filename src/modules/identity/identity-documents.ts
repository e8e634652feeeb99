import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { FileStorage } from '../../platform/storage/file-storage';
import {
  IdentityDocument,
  type IdentityDocumentKind,
  type IdentityDocumentType,
} from './entities/identity-document.entity';

/** 5 Mo: a scan or a photo of a document, not more. */
export const DOCUMENT_MAX_BYTES = 5 * 1024 * 1024;
export const DOCUMENT_KINDS: Record<IdentityDocumentKind, string> = {
  'carte-identite': 'Carte nationale d’identité',
  passeport: 'Passeport (Union européenne)',
  'titre-sejour': 'Titre de séjour',
};
const ACCEPTED: readonly IdentityDocumentType[] = ['image/png', 'image/jpeg', 'application/pdf'];

/** What the form received (the multipart middleware's reading), or why it has nothing. */
export type DocumentUpload = { buffer: Buffer; name?: string } | { problem: 'too-large' | 'unreadable' } | undefined;

/**
 * Identity documents: the type is read from the content (magic numbers, by `file-type`), not from the name; the size is
 * bounded; the file goes to the file storage under a random key, and only its holder reads it back (the account space).
 */
@Injectable()
export class IdentityDocuments {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: FileStorage,
  ) {}

  /** The accepted type of the content, or `undefined` (an executable renamed `.pdf`, a text file, …). */
  async detectType(buffer: Buffer): Promise<IdentityDocumentType | undefined> {
    const { fileTypeFromBuffer } = await import('file-type');
    const detected = await fileTypeFromBuffer(buffer);
    return ACCEPTED.find((type) => type === detected?.mime);
  }

  /** Stores the file, then its row in the caller's transaction; a rolled-back transaction leaves an orphan file only. */
  async store(
    manager: EntityManager,
    accountId: string,
    kind: IdentityDocumentKind,
    buffer: Buffer,
    mediaType: IdentityDocumentType,
  ): Promise<void> {
    const storageKey = `identity/${randomUUID()}`;
    await this.storage.put(storageKey, buffer);
    await manager
      .getRepository(IdentityDocument)
      .insert({ accountId, kind, mediaType, size: buffer.length, storageKey });
  }

  async forAccount(accountId: string): Promise<IdentityDocument[]> {
    return this.dataSource.getRepository(IdentityDocument).find({ where: { accountId }, order: { createdAt: 'DESC' } });
  }

  /** The file of one of the account's documents (never another account's). */
  async read(accountId: string, id: string): Promise<{ document: IdentityDocument; data: Buffer } | undefined> {
    const document = await this.dataSource.getRepository(IdentityDocument).findOneBy({ id, accountId });
    const data = document && (await this.storage.get(document.storageKey));
    return document && data ? { document, data } : undefined;
  }

  /** Removes the files of the account (its rows go with the account, by cascade). */
  async deleteFiles(accountId: string): Promise<void> {
    for (const document of await this.forAccount(accountId)) await this.storage.delete(document.storageKey);
  }
}
