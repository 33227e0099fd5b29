import { ArgumentsHost, Catch, Inject, type WsExceptionFilter } from '@nestjs/common';
import { ACCORD_LOGGER, type AccordLogger } from '@accord/core';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import { ackError } from './ws-ack';

/**
 * Answers a failed event through its ack (`{ ok: false, error }`) and keeps the socket open.
 * Global filters do not reach gateways, so every gateway class names this one.
 */
@Catch()
export class WsAckExceptionFilter implements WsExceptionFilter {
  constructor(@Inject(ACCORD_LOGGER) private readonly logger: AccordLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const args = host.getArgs<unknown[]>();
    const socket = args[0] as Socket;
    const ack = args.find((arg, i) => i > 0 && typeof arg === 'function') as
      ((response: unknown) => void) | undefined;
    const correlationId = randomUUID();
    const { ack: response, unexpected } = ackError(exception, correlationId);
    if (unexpected) {
      this.logger.error(
        { err: exception, correlationId, socketId: socket?.id, event: args[args.length - 1] },
        'Unexpected error while handling a socket event',
      );
    }
    ack?.(response);
  }
}
