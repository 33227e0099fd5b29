import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  AccordConfig,
  type AccordLogger,
  correlationIdMiddleware,
  createLogger,
  createValidationPipe,
  ErrorCode,
  PinoNestLogger,
  type RequestWithCorrelation,
  PLAN_IMPORT_LIMIT_BYTES,
  PLAN_IMPORT_ROUTE,
  UPLOAD_LIMIT_BYTES,
  UPLOAD_ROUTES,
} from '@accord/core';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { AuthService } from '@accord/auth';
import { AppModule } from './app.module';
import { AccordIoAdapter } from './socket-io.adapter';
import { webClient } from './web-client';

export const JSON_BODY_LIMIT = '1mb';

export interface AccordApp {
  app: INestApplication;
  logger: AccordLogger;
}

/** Builds the whole HTTP application from a validated configuration (used by main and tests). */
export async function createAccordApp(
  config: AccordConfig,
  logger = createLogger(config.logLevel),
): Promise<AccordApp> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  app.set('trust proxy', parseTrustProxy(config.trustProxy));
  app.disable('x-powered-by');
  app.use(correlationIdMiddleware);
  app.use(accessLog(logger));
  // Helmet's defaults (CSP script-src 'self' and all), without upgrade-insecure-requests: a
  // deployment without TLS in front (a laptop, a test) must still load its own scripts.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // Before the body parsers, so a browser on an allowed origin can read their errors too.
  app.enableCors({
    origin: (origin, callback) =>
      callback(null, origin === undefined || config.corsOrigins.includes(origin)),
    credentials: true,
    exposedHeaders: ['Retry-After', 'X-Request-Id'],
  });
  app.use(requireJsonBody);
  // Import routes take whole files: a larger limit, and CSV text besides JSON (multipart is
  // read by the route's own interceptor).
  app.use(
    UPLOAD_ROUTES,
    express.json({ limit: UPLOAD_LIMIT_BYTES }),
    express.text({ type: UPLOAD_TEXT_TYPES, limit: UPLOAD_LIMIT_BYTES }),
  );
  app.use(
    PLAN_IMPORT_ROUTE,
    express.raw({
      type: ['application/json', 'application/*+json'],
      limit: PLAN_IMPORT_LIMIT_BYTES,
    }),
  );
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.use(bodyErrorHandler);
  app.use(webClient(config.webClientDir));
  app.useWebSocketAdapter(new AccordIoAdapter(app, config, app.get(AuthService), logger));
  app.setGlobalPrefix('api');
  app.useGlobalPipes(createValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Accord API')
      .setDescription(
        'Coalitions around human-rights recommendations: accounts, organisations and more.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return { app, logger };
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function accessLog(logger: AccordLogger) {
  return (req: RequestWithCorrelation, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info(
        {
          correlationId: req.correlationId,
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  };
}

const UPLOAD_TEXT_TYPES = ['text/csv', 'application/csv', 'text/plain'];

function describeBytes(bytes: number | undefined): string {
  if (!bytes) return JSON_BODY_LIMIT;
  return bytes >= 1024 * 1024
    ? `${Math.round(bytes / 1024 / 102.4) / 10} MB`
    : `${Math.round(bytes / 1024)} KB`;
}

/** The API speaks JSON: a request body of another type is refused rather than half-read. */
function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  const isUpload =
    UPLOAD_ROUTES.includes(req.path) && req.is([...UPLOAD_TEXT_TYPES, 'multipart/form-data']);
  if (!hasBody || isUpload || req.is('application/json') || req.is('application/*+json')) {
    next();
    return;
  }
  res.status(415).json({
    statusCode: 415,
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    message: `Send the request body as JSON (Content-Type: application/json), not ${req.headers['content-type'] ?? 'an unnamed type'}`,
    correlationId: (req as RequestWithCorrelation).correlationId,
  });
}

/** Body-parser failures (malformed JSON, too large) answered in the error contract. */
function bodyErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const type = (err as { type?: string })?.type;
  const correlationId = (req as RequestWithCorrelation).correlationId;
  if (type === 'entity.too.large') {
    res.status(413).json({
      statusCode: 413,
      code: ErrorCode.PAYLOAD_TOO_LARGE,
      message: `The request body is larger than the limit of ${describeBytes((err as { limit?: number }).limit)}`,
      correlationId,
    });
    return;
  }
  if (
    type === 'entity.parse.failed' ||
    type === 'encoding.unsupported' ||
    type === 'charset.unsupported'
  ) {
    res.status(400).json({
      statusCode: 400,
      code: ErrorCode.VALIDATION,
      message: 'The request body is not valid JSON',
      correlationId,
    });
    return;
  }
  next(err);
}
