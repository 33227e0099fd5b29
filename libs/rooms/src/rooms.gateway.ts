import { UseFilters, UsePipes, ValidationPipe } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayInit,
  type OnGatewayDisconnect,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import { Inject } from '@nestjs/common';
import type { AuthContext } from '@accord/auth';
import { AccordError, VALIDATION_OPTIONS, validationErrorFrom } from '@accord/core';
import type { Server, Socket } from 'socket.io';
import { CreateCommentDto, RoomRefDto, SyncDto, TypingDto } from './dto/room.dto';
import { EventRateLimiter } from './event-rate-limiter';
import { RoomEvents } from './room-events';
import {
  type PresenceEntry,
  presenceOf,
  roomChannel,
  type RoomSeat,
  sessionChannel,
  userChannel,
} from './presence';
import { type CommentView, type RoomSnapshot, RoomsService } from './rooms.service';
import { type Ack, ok } from './ws-ack';
import { WsAckExceptionFilter } from './ws-exception.filter';

/** What Accord keeps on each socket: the person (set at the handshake) and the rooms they sit in. */
export interface AccordSocketData {
  ctx: AuthContext;
  seats: Record<string, RoomSeat>;
}

type AccordSocket = Socket<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  AccordSocketData
>;

/**
 * The realtime contract (DESIGN.md → Realtime). Thin: validate, call the rooms service, map
 * the result to an ack and broadcasts. Every join and event is authorized again by the service.
 */
@WebSocketGateway()
@UseFilters(WsAckExceptionFilter)
@UsePipes(new ValidationPipe({ ...VALIDATION_OPTIONS, exceptionFactory: validationErrorFrom }))
export class RoomsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer()
  private server!: Server;

  constructor(
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(RoomEvents) private readonly events: RoomEvents,
    @Inject(EventRateLimiter) private readonly limiter: EventRateLimiter,
  ) {}

  /** Maps domain events (from sockets and REST alike) to broadcasts. */
  afterInit(): void {
    this.events.events$.subscribe((event) => {
      switch (event.type) {
        case 'comment.created':
          this.server.to(roomChannel(event.coalitionId)).emit('comment:created', event.comment);
          break;
      }
    });
  }

  async handleConnection(socket: AccordSocket): Promise<void> {
    socket.data.seats = {};
    await socket.join([
      userChannel(socket.data.ctx.userId),
      sessionChannel(socket.data.ctx.sessionId),
    ]);
  }

  async handleDisconnect(socket: AccordSocket): Promise<void> {
    for (const coalitionId of Object.keys(socket.data.seats ?? {})) {
      await this.broadcastPresence(coalitionId);
    }
  }

  @SubscribeMessage('room:join')
  async join(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<RoomSnapshot & { presence: PresenceEntry[] }>> {
    this.limiter.take(socket.data.ctx.userId);
    const { seat, snapshot } = await this.rooms.join(socket.data.ctx, dto.coalitionId);
    socket.data.seats[seat.coalitionId] = seat;
    await socket.join(roomChannel(seat.coalitionId));
    const presence = await this.broadcastPresence(seat.coalitionId);
    return ok({ ...snapshot, presence });
  }

  @SubscribeMessage('room:leave')
  async leave(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<{ coalitionId: string }>> {
    this.limiter.take(socket.data.ctx.userId);
    if (socket.data.seats[dto.coalitionId]) {
      delete socket.data.seats[dto.coalitionId];
      await socket.leave(roomChannel(dto.coalitionId));
      await this.broadcastPresence(dto.coalitionId);
    }
    return ok({ coalitionId: dto.coalitionId });
  }

  @SubscribeMessage('room:sync')
  async sync(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: SyncDto,
  ): Promise<Ack<{ comments: CommentView[]; seq: number }>> {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.rooms.sync(socket.data.ctx, dto.coalitionId, dto.afterSeq));
  }

  @SubscribeMessage('typing')
  typing(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: TypingDto,
  ): Ack<{ coalitionId: string }> {
    this.limiter.take(socket.data.ctx.userId);
    this.requireSeat(socket, dto.coalitionId);
    socket.to(roomChannel(dto.coalitionId)).emit('typing' as never, {
      coalitionId: dto.coalitionId,
      userId: socket.data.ctx.userId,
      isTyping: dto.isTyping,
    });
    return ok({ coalitionId: dto.coalitionId });
  }

  @SubscribeMessage('comment:create')
  async createComment(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: CreateCommentDto,
  ): Promise<Ack<CommentView>> {
    this.limiter.take(socket.data.ctx.userId);
    this.requireSeat(socket, dto.coalitionId);
    const { comment } = await this.rooms.createComment(socket.data.ctx, dto);
    return ok(comment);
  }

  private requireSeat(socket: AccordSocket, coalitionId: string): void {
    if (!socket.data.seats[coalitionId]) {
      throw AccordError.forbidden('Join the room first (room:join)');
    }
  }

  /** Presence across every node (fetchSockets asks the adapter), one entry per person. */
  private async broadcastPresence(coalitionId: string): Promise<PresenceEntry[]> {
    const sockets = await this.server.in(roomChannel(coalitionId)).fetchSockets();
    const seats = sockets
      .map((s) => (s.data as AccordSocketData | undefined)?.seats?.[coalitionId])
      .filter((seat): seat is RoomSeat => seat !== undefined);
    const users = presenceOf(seats);
    this.server.to(roomChannel(coalitionId)).emit('presence:update', { coalitionId, users });
    return users;
  }
}
