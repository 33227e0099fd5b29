import {
  type ArgumentsHost,
  BadRequestException,
  ForbiddenException,
  HttpException,
  MethodNotAllowedException,
  NotFoundException,
  PayloadTooLargeException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { Error as MongooseError } from 'mongoose';
import type { AccordLogger } from '../logging/logger';
import { AccordError } from './accord-error';
import type { ErrorBody } from './error-body';
import { ErrorCode } from './error-codes';
import { HttpExceptionFilter, toErrorBody } from './http-exception.filter';

const CORRELATION_ID = 'req-0123456789abcdef';

// ---- hand-written fakes for the HTTP layer ----------------------------------------

class FakeResponse {
  headersSent = false;
  statusCode?: number;
  body?: ErrorBody;
  readonly headers: Record<string, string> = {};

  setHeader(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  json(body: ErrorBody): this {
    this.body = body;
    return this;
  }
}

function fakeHost(
  req: { correlationId?: string; method?: string; originalUrl?: string },
  res: FakeResponse,
) {
  return {
    switchToHttp: () => ({
      getRequest: () => req,
      getResponse: () => res,
      getNext: () => undefined,
    }),
  } as unknown as ArgumentsHost;
}

function fakeLogger() {
  return { error: jest.fn() };
}

/** Runs the filter on an exception as Nest would for GET /api/things. */
function handle(
  exception: unknown,
  req: { correlationId?: string } = { correlationId: CORRELATION_ID },
) {
  const logger = fakeLogger();
  const res = new FakeResponse();
  new HttpExceptionFilter(logger as unknown as AccordLogger).catch(
    exception,
    fakeHost({ method: 'GET', originalUrl: '/api/things', ...req }, res),
  );
  return { res, logger };
}

function duplicateKeyError(): Error {
  return Object.assign(
    new Error(
      'E11000 duplicate key error collection: accord.users index: emailNormalized_1 dup key: { emailNormalized: "ana@rights.example.org" }',
    ),
    {
      code: 11000,
      keyPattern: { emailNormalized: 1 },
      keyValue: { emailNormalized: 'ana@rights.example.org' },
    },
  );
}

describe('HttpExceptionFilter', () => {
  it('answers an AccordError with its status, code, message and details, and sets Retry-After', () => {
    const error = new AccordError(
      ErrorCode.RATE_LIMITED,
      'Too many failed sign-in attempts. Try again in 42 seconds.',
      {
        details: { scope: 'account' },
        retryAfterSeconds: 42,
      },
    );

    const { res, logger } = handle(error);

    expect(res.statusCode).toBe(429);
    expect(res.body).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: 'Too many failed sign-in attempts. Try again in 42 seconds.',
      details: { scope: 'account' },
      correlationId: CORRELATION_ID,
    });
    expect(res.headers['retry-after']).toBe('42');
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('rounds a fractional Retry-After up to whole seconds', () => {
    const { res } = handle(
      new AccordError(ErrorCode.RATE_LIMITED, 'Slow down', { retryAfterSeconds: 1.2 }),
    );

    expect(res.headers['retry-after']).toBe('2');
  });

  it('omits details and Retry-After when the AccordError has none', () => {
    const { res } = handle(
      AccordError.forbidden('Only admins of this organisation can add members'),
    );

    expect(res.statusCode).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      code: 'FORBIDDEN',
      message: 'Only admins of this organisation can add members',
      correlationId: CORRELATION_ID,
    });
    expect(res.body).not.toHaveProperty('details');
    expect(res.headers).not.toHaveProperty('retry-after');
  });

  it.each(
    [
      {
        exception: new NotFoundException(),
        status: 404,
        code: ErrorCode.NOT_FOUND,
        message: 'Not Found',
      },
      {
        exception: new MethodNotAllowedException(),
        status: 405,
        code: ErrorCode.NOT_FOUND,
        message: 'Method Not Allowed',
      },
      {
        exception: new PayloadTooLargeException(),
        status: 413,
        code: ErrorCode.PAYLOAD_TOO_LARGE,
        message: 'Payload Too Large',
      },
      {
        exception: new UnsupportedMediaTypeException('Send JSON'),
        status: 415,
        code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        message: 'Send JSON',
      },
      {
        exception: new UnauthorizedException(),
        status: 401,
        code: ErrorCode.UNAUTHORIZED,
        message: 'Unauthorized',
      },
      {
        exception: new ForbiddenException('No'),
        status: 403,
        code: ErrorCode.FORBIDDEN,
        message: 'No',
      },
      {
        exception: new BadRequestException(['name must be a string', 'country must be a code']),
        status: 400,
        code: ErrorCode.VALIDATION,
        message: 'name must be a string; country must be a code',
      },
      {
        exception: new HttpException('I am a teapot', 418),
        status: 418,
        code: ErrorCode.VALIDATION,
        message: 'I am a teapot',
      },
    ].map((row) => ({ ...row, name: row.exception.constructor.name })),
  )('maps a $name ($status) to $code', ({ exception, status, code, message }) => {
    const { res, logger } = handle(exception);

    expect(res.statusCode).toBe(status);
    expect(res.body).toEqual({
      statusCode: status,
      code,
      message,
      correlationId: CORRELATION_ID,
    });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('answers a duplicate key error (E11000) with 409 CONFLICT without echoing the stored value', () => {
    const { res, logger } = handle(duplicateKeyError());

    expect(res.statusCode).toBe(409);
    expect(res.body).toEqual({
      statusCode: 409,
      code: 'CONFLICT',
      message: 'A record with this emailNormalized already exists',
      correlationId: CORRELATION_ID,
    });
    expect(JSON.stringify(res.body)).not.toContain('ana@rights.example.org');
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('answers a bare E11000 object without a key pattern with 409 CONFLICT', () => {
    const { res } = handle({ code: 11000 });

    expect(res.statusCode).toBe(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', message: 'This record already exists' });
  });

  it('answers an unknown error with a generic 500 that carries the correlation id, and logs it', () => {
    const secret = 'connect ECONNREFUSED mongodb://accord:hunter2@10.0.0.5:27017';
    const error = new Error(secret);

    const { res, logger } = handle(error);

    expect(res.statusCode).toBe(500);
    expect(res.body).toMatchObject({
      statusCode: 500,
      code: 'INTERNAL',
      correlationId: CORRELATION_ID,
    });
    expect(res.body?.message).toContain(CORRELATION_ID);
    expect(res.body?.message).not.toContain(secret);
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({
        err: error,
        correlationId: CORRELATION_ID,
        method: 'GET',
        url: '/api/things',
      }),
      expect.any(String),
    );
  });

  it('answers a 5xx framework exception like an unknown error: generic message, logged', () => {
    const detail = 'pool exhausted at mongodb://accord:hunter2@10.0.0.5';
    const { res, logger } = handle(new HttpException(detail, 500));

    expect(res.statusCode).toBe(500);
    expect(res.body).toMatchObject({ code: 'INTERNAL', correlationId: CORRELATION_ID });
    expect(res.body?.message).not.toContain('hunter2');
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('makes up a correlation id when the request has none, and uses the same one in the body and the log', () => {
    const { res, logger } = handle(new TypeError('x is undefined'), {});

    const correlationId = res.body?.correlationId;
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body?.message).toContain(correlationId);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ correlationId }),
      expect.any(String),
    );
  });

  it('still logs, but does not write, when the response has already been sent', () => {
    const logger = fakeLogger();
    const res = new FakeResponse();
    res.headersSent = true;

    new HttpExceptionFilter(logger as unknown as AccordLogger).catch(
      new Error('stream broke'),
      fakeHost({ correlationId: CORRELATION_ID }, res),
    );

    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(res.statusCode).toBeUndefined();
    expect(res.body).toBeUndefined();
  });
});

describe('toErrorBody', () => {
  it('marks only unexpected errors as such', () => {
    expect(
      toErrorBody(AccordError.notFound('Organisation not found'), CORRELATION_ID).unexpected,
    ).toBe(false);
    expect(toErrorBody(duplicateKeyError(), CORRELATION_ID).unexpected).toBe(false);
    expect(toErrorBody(new NotFoundException(), CORRELATION_ID).unexpected).toBe(false);
    expect(toErrorBody(new Error('boom'), CORRELATION_ID).unexpected).toBe(true);
    expect(toErrorBody('a thrown string', CORRELATION_ID).unexpected).toBe(true);
  });

  it('answers a mongoose CastError with 400 VALIDATION naming the path', () => {
    const cast = new MongooseError.CastError('ObjectId', 'not-an-id', 'organisationId');

    const { body } = toErrorBody(cast, CORRELATION_ID);

    expect(body).toEqual({
      statusCode: 400,
      code: 'VALIDATION',
      message: 'organisationId has an invalid value',
      correlationId: CORRELATION_ID,
    });
  });
});
