import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const CORRELATION_HEADER = 'x-request-id';
const ACCEPTABLE = /^[A-Za-z0-9._-]{8,64}$/;

export interface RequestWithCorrelation extends Request {
  correlationId?: string;
}

/** Gives every request an id (the caller's X-Request-Id when sane) echoed in the response. */
export function correlationIdMiddleware(
  req: RequestWithCorrelation,
  res: Response,
  next: NextFunction,
): void {
  const given = req.header(CORRELATION_HEADER);
  const id = given && ACCEPTABLE.test(given) ? given : randomUUID();
  req.correlationId = id;
  res.setHeader('X-Request-Id', id);
  next();
}
