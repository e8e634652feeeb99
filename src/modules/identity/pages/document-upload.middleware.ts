import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { DOCUMENT_MAX_BYTES, type DocumentUpload } from '../identity-documents';

const FIELD = 'identityDocument';

const parse = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: DOCUMENT_MAX_BYTES, files: 1, fields: 60, fieldSize: 10_000, parts: 70 },
}).single(FIELD);

/** What the upload middleware left on the request. */
export function documentUploadOf(req: Request): DocumentUpload {
  return (req as Request & { documentUpload?: DocumentUpload }).documentUpload;
}

/**
 * Reads a multipart form (the Entreprise registration with its identity document) before the guards run, so that the
 * CSRF check finds its field. The file stays in memory (5 Mo at most); a file too large or a broken form is noted for
 * the page to explain, never a crash.
 */
export function documentUploadMiddleware(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('multipart/form-data')) return next();
  parse(req, res, (error: unknown) => {
    const upload = req as Request & { documentUpload?: DocumentUpload };
    if (error) {
      req.body ??= {};
      upload.documentUpload = {
        problem: (error as { code?: string }).code === 'LIMIT_FILE_SIZE' ? 'too-large' : 'unreadable',
      };
    } else if (req.file && req.file.size > 0) {
      upload.documentUpload = { buffer: req.file.buffer, name: req.file.originalname };
    }
    next();
  });
}
