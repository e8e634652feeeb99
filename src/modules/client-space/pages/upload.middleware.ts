import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { localeState, t, withLocale } from '../../../platform/i18n/i18n';
import { UPLOAD_MAX_BYTES, UPLOAD_MAX_FILES, type UploadedFile } from '../items.service';

/** What the multipart reading left on the request: the files, or why there are none. */
export type Upload = { files: UploadedFile[] } | { problem: 'too-large' | 'too-many' | 'unreadable' };

const parse = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: UPLOAD_MAX_BYTES, files: UPLOAD_MAX_FILES, fields: 30, fieldSize: 10_000, parts: 50 },
}).any();

export function uploadOf(req: Request): Upload {
  return (req as Request & { clientSpaceUpload?: Upload }).clientSpaceUpload ?? { files: [] };
}

/**
 * Reads the multipart forms of the client space (uploads of documents, an item with its file, a logo) before the guards
 * run, so that the CSRF check finds its field. Files stay in memory within the size bound; a file too large or a broken
 * form is noted for the page to explain, never a crash.
 */
export function uploadMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('multipart/form-data')) return next();
  // Reading the body from the socket may lose the request's asynchronous context (its language): carried over.
  const locale = localeState();
  parse(req, res, (error: unknown) => {
    const holder = req as Request & { clientSpaceUpload?: Upload };
    if (error) {
      req.body ??= {};
      const code = (error as { code?: string }).code;
      holder.clientSpaceUpload = {
        problem: code === 'LIMIT_FILE_SIZE' ? 'too-large' : code === 'LIMIT_FILE_COUNT' ? 'too-many' : 'unreadable',
      };
    } else {
      const files = (req.files as Express.Multer.File[] | undefined) ?? [];
      holder.clientSpaceUpload = {
        files: files
          .filter((f) => f.size > 0)
          // Multer reads the name as latin1; browsers send UTF-8.
          .map((f) => ({ name: Buffer.from(f.originalname, 'latin1').toString('utf8'), data: f.buffer })),
      };
    }
    if (locale) withLocale(locale, next);
    else next();
  });
}

/** Why a multipart form brought no file, in the page's language; `sent`: files joined to a message, not deposited. */
export function uploadProblem(
  problem: 'too-large' | 'too-many' | 'unreadable',
  what: 'deposited' | 'sent' = 'deposited',
): string {
  const values = { megabytes: UPLOAD_MAX_BYTES / 1024 / 1024, files: UPLOAD_MAX_FILES };
  switch (problem) {
    case 'too-large':
      return t(
        what === 'sent' ? 'clientSpace:upload.problems.tooLargeSent' : 'clientSpace:upload.problems.tooLarge',
        values,
      );
    case 'too-many':
      return t(
        what === 'sent' ? 'clientSpace:upload.problems.tooManySent' : 'clientSpace:upload.problems.tooMany',
        values,
      );
    case 'unreadable':
      return t('clientSpace:upload.problems.unreadable');
  }
}
