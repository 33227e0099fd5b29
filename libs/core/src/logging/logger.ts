import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

export type AccordLogger = Logger;

export function createLogger(level: string): AccordLogger {
  return pino({
    level,
    base: { service: 'accord-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.refreshToken', '*.accessToken'],
      censor: '[redacted]',
    },
  });
}

/** Nest's logger interface over pino, so framework and Accord logs share one JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: AccordLogger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }

  fatal(message: unknown, context?: string): void {
    this.logger.fatal({ context }, String(message));
  }
}

/** Injection token of the pino logger. */
export const ACCORD_LOGGER = Symbol('ACCORD_LOGGER');
