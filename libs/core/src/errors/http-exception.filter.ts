import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { Error as MongooseError } from 'mongoose';
import type { RequestWithCorrelation } from '../http/correlation-id';
import { ACCORD_LOGGER, type AccordLogger } from '../logging/logger';
import { UPLOAD_LIMIT_BYTES } from '../http/uploads';
import { AccordError, isDuplicateKeyError } from './accord-error';
import type { ErrorBody } from './error-body';
import { codeForStatus, ErrorCode, HTTP_STATUS_BY_CODE } from './error-codes';

/** Converts anything thrown while serving a request into the one error contract. */
export function toErrorBody(
  exception: unknown,
  correlationId: string,
): { body: ErrorBody; retryAfter?: number; unexpected: boolean } {
  if (exception instanceof AccordError) {
    return {
      body: {
        statusCode: exception.status,
        code: exception.code,
        message: exception.message,
        ...(exception.details === undefined ? {} : { details: exception.details }),
        correlationId,
      },
      retryAfter: exception.retryAfterSeconds,
      unexpected: false,
    };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const given =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const message = Array.isArray(given)
      ? given.map(String).join('; ')
      : typeof given === 'string'
        ? given
        : exception.message;
    return {
      body: {
        statusCode: status,
        code: codeForStatus(status),
        // multer's words for an upload over the limit
        message:
          status === 413 && message === 'File too large'
            ? `The file is larger than the limit of ${UPLOAD_LIMIT_BYTES / 1024 / 1024} MB`
            : message,
        correlationId,
      },
      unexpected: false,
    };
  }
  if (isDuplicateKeyError(exception)) {
    const keys = Object.keys(
      (exception as { keyPattern?: Record<string, unknown> }).keyPattern ?? {},
    );
    return {
      body: {
        statusCode: HTTP_STATUS_BY_CODE.CONFLICT,
        code: ErrorCode.CONFLICT,
        message: keys.length
          ? `A record with this ${keys.join(', ')} already exists`
          : 'This record already exists',
        correlationId,
      },
      unexpected: false,
    };
  }
  if (exception instanceof MongooseError.CastError) {
    return {
      body: {
        statusCode: 400,
        code: ErrorCode.VALIDATION,
        message: `${exception.path} has an invalid value`,
        correlationId,
      },
      unexpected: false,
    };
  }
  if (exception instanceof MongooseError.ValidationError) {
    const details = Object.values(exception.errors).map((e) => ({
      field: e.path,
      message: e.message,
    }));
    return {
      body: {
        statusCode: 400,
        code: ErrorCode.VALIDATION,
        message: details.map((d) => d.message).join('; '),
        details,
        correlationId,
      },
      unexpected: false,
    };
  }
  return {
    body: {
      statusCode: 500,
      code: ErrorCode.INTERNAL,
      message: `Something went wrong on our side. If it persists, report it with the reference ${correlationId}.`,
      correlationId,
    },
    unexpected: true,
  };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ACCORD_LOGGER) private readonly logger: AccordLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<RequestWithCorrelation>();
    const res = ctx.getResponse<Response>();
    const correlationId = req.correlationId ?? randomUUID();
    const { body, retryAfter, unexpected } = toErrorBody(exception, correlationId);
    if (unexpected) {
      this.logger.error(
        { err: exception, correlationId, method: req.method, url: req.originalUrl },
        'Unexpected error while serving a request',
      );
    }
    if (res.headersSent) return;
    if (retryAfter !== undefined)
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
    res.status(body.statusCode).json(body);
  }
}
