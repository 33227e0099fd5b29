import { AccordError, type AccordLogger, ErrorCode } from '@accord/core';

/** The ack of every client event: `{ ok: true, data }` or `{ ok: false, error: { code, message } }`. */
export type Ack<T> =
  { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

export function ok<T>(data: T): Ack<T> {
  return { ok: true, data };
}

/** The ack error for anything thrown by a handler; unknown errors become a generic INTERNAL. */
export function ackError(
  exception: unknown,
  correlationId: string,
): { ack: Ack<never>; unexpected: boolean } {
  if (exception instanceof AccordError) {
    return {
      ack: { ok: false, error: { code: exception.code, message: exception.message } },
      unexpected: false,
    };
  }
  return {
    ack: {
      ok: false,
      error: {
        code: ErrorCode.INTERNAL,
        message: `Something went wrong on our side. If it persists, report it with the reference ${correlationId}.`,
      },
    },
    unexpected: true,
  };
}

/**
 * Runs a handler of the shared event streams (domain and realtime events): a failure is logged,
 * never thrown into the stream (which would end it for every subscriber).
 */
export function runGuarded(
  logger: AccordLogger,
  what: string,
  work: () => Promise<void> | void,
): void {
  const fail = (error: unknown) =>
    logger.error({ err: error, event: what }, 'a realtime broadcast failed');
  try {
    work()?.catch(fail);
  } catch (error) {
    fail(error);
  }
}
