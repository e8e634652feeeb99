import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from './request-context';

// An id from a trusted front proxy is kept so that its logs and ours line up; anything else is replaced.
const ACCEPTED_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Gives every request an id, returned in `X-Request-Id`, and opens the request context the logs and audit read. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.get('x-request-id');
  const requestId = incoming && ACCEPTED_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  (req as Request & { id: string }).id = requestId;
  requestContext.run({ requestId, ipAddress: req.ip, userAgent: req.get('user-agent') }, next);
}
