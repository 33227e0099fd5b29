import { ErrorCode, HTTP_STATUS_BY_CODE } from './error-codes';

export interface FieldProblem {
  field: string;
  message: string;
}

export interface AccordErrorOptions {
  details?: unknown;
  /** Seconds the client should wait before trying again (sent as `Retry-After`). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/**
 * A domain error: a code from the contract plus a message a person can act on.
 * The HTTP filter and the socket filter map it to a status / an ack error.
 */
export class AccordError extends Error {
  readonly details?: unknown;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AccordErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }

  static validation(message: string, problems?: FieldProblem[]): AccordError {
    return new AccordError(ErrorCode.VALIDATION, message, problems ? { details: problems } : {});
  }

  /** A validation error about one input field, with the same message as its only problem. */
  static invalidField(field: string, message: string): AccordError {
    return AccordError.validation(message, [{ field, message }]);
  }

  static notFound(message: string): AccordError {
    return new AccordError(ErrorCode.NOT_FOUND, message);
  }

  static forbidden(message: string): AccordError {
    return new AccordError(ErrorCode.FORBIDDEN, message);
  }

  /** A conflict; `field` names the input that collided (details as for validation errors). */
  static conflict(message: string, field?: string): AccordError {
    return new AccordError(
      ErrorCode.CONFLICT,
      message,
      field ? { details: [{ field, message }] } : {},
    );
  }

  static unauthorized(message: string): AccordError {
    return new AccordError(ErrorCode.UNAUTHORIZED, message);
  }
}

/** True for the MongoDB duplicate key error (E11000), whichever driver layer raised it. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code?: unknown }).code === 11000
  );
}
