import { ErrorCode } from './error-codes';

/** The error contract of every REST response: `{ statusCode, code, message, details? }`. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
  correlationId?: string;
}
