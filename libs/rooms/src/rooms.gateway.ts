import { Inject, UseFilters, UsePipes } from '@nestjs/common';
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
import type { AuthContext } from '@accord/auth';
import { CoalitionAccessPolicy, type CoalitionRole } from '@accord/coalitions';
import {
  ACCORD_LOGGER,
  AccordError,
  type AccordLogger,
  createValidationPipe,
  type DomainEvent,
  DomainEvents,
} from '@accord/core';
import type { Server, Socket } from 'socket.io';
import {
  CommentRefDto,
  CreateCommentDto,
  DismissFlagsDto,
  EditCommentDto,
  FlagCommentDto,
  HideCommentDto,
  LockDto,
  MuteDto,
  PinDto,
  ReactDto,
  RoomRefDto,
  RoomUserDto,
  SlowModeDto,
  SyncDto,
  TypingDto,
  UnhideCommentDto,
} from './dto/room.dto';
import { EventRateLimiter } from './event-rate-limiter';
import { ModerationService } from './moderation.service';
import type { RoomState } from './moderation.repository';
import { type RoomEvent, RoomEvents } from './room-events';
import {
  moderatorsChannel,
  type PresenceEntry,
  presenceOf,
  roomChannel,
  type RoomSeat,
  userChannel,
} from './presence';
import {
  type CommentView,
  type RoomSnapshot,
  RoomsService,
  type SyncResult,
} from './rooms.service';
import { type Ack, ok, runGuarded } from './ws-ack';
import { WsAckExceptionFilter } from './ws-exception.filter';

/** A typing indicator is relayed at most this often per person and room (stops always pass). */
export const TYPING_RELAY_INTERVAL_MS = 2_000;

/** How long presence waits for other nodes before answering with this node's sockets alone. */
export const CROSS_NODE_TIMEOUT_MS = 3_500;

/** What Accord keeps on each socket: the person (set at the handshake) and the rooms they sit in. */
export interface AccordSocketData {
  ctx: AuthContext;
  seats: Record<string, RoomSeat>;
  /** When this socket last relayed "typing" per room. */
  typingAt: Record<string, number>;
}

type AccordSocket = Socket<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  AccordSocketData
>;

/**
 * The realtime contract (DESIGN.md → Realtime). Thin: validate, call the services, map results
 * to acks, and map domain events to broadcasts. Every event is authorized again by the services;
 * effects on other people's sockets go through the adapter, so they reach every node.
 */
@WebSocketGateway()
@UseFilters(WsAckExceptionFilter)
@UsePipes(createValidationPipe())
export class RoomsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer()
  private server!: Server;

  constructor(
    @Inject(RoomsService) private readonly rooms: RoomsService,
    @Inject(ModerationService) private readonly moderation: ModerationService,
    @Inject(RoomEvents) private readonly events: RoomEvents,
    @Inject(DomainEvents) private readonly domainEvents: DomainEvents,
    @Inject(EventRateLimiter) private readonly limiter: EventRateLimiter,
    @Inject(ACCORD_LOGGER) private readonly logger: AccordLogger,
  ) {}

  afterInit(): void {
    this.events.events$.subscribe((event) =>
      runGuarded(this.logger, event.type, () => this.onRoomEvent(event)),
    );
    this.domainEvents.events$.subscribe((event) =>
      runGuarded(this.logger, event.type, () => this.onDomainEvent(event)),
    );
  }

  async handleConnection(socket: AccordSocket): Promise<void> {
    socket.data.seats = {};
    socket.data.typingAt = {};
    // One channel per person (shared by their sockets); a sign-in's sockets are found among
    // them when it ends, rather than costing every socket a channel of its own.
    await socket.join(userChannel(socket.data.ctx.userId));
  }

  async handleDisconnect(socket: AccordSocket): Promise<void> {
    for (const coalitionId of Object.keys(socket.data.seats ?? {})) {
      await this.broadcastPresence(coalitionId).catch((error: unknown) =>
        this.logger.warn({ err: error, coalitionId }, 'presence after a disconnect failed'),
      );
    }
  }

  @SubscribeMessage('room:join')
  async join(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<RoomSnapshot & { presence: PresenceEntry[] }>> {
    this.limiter.take(socket.data.ctx.userId);
    const { seat, snapshot, moderator } = await this.rooms.join(socket.data.ctx, dto.coalitionId);
    socket.data.seats[seat.coalitionId] = seat;
    await socket.join(roomChannel(seat.coalitionId));
    if (moderator) await socket.join(moderatorsChannel(seat.coalitionId));
    else await socket.leave(moderatorsChannel(seat.coalitionId));
    const presence = await this.broadcastPresence(seat.coalitionId);
    return ok({ ...snapshot, presence });
  }

  @SubscribeMessage('room:leave')
  async leave(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: RoomRefDto,
  ): Promise<Ack<{ coalitionId: string }>> {
    this.limiter.take(socket.data.ctx.userId);
    const seated = socket.rooms.has(roomChannel(dto.coalitionId));
    delete socket.data.seats[dto.coalitionId];
    await socket.leave(roomChannel(dto.coalitionId));
    await socket.leave(moderatorsChannel(dto.coalitionId));
    if (seated) await this.broadcastPresence(dto.coalitionId);
    return ok({ coalitionId: dto.coalitionId });
  }

  @SubscribeMessage('room:sync')
  async sync(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: SyncDto,
  ): Promise<Ack<SyncResult>> {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.rooms.sync(socket.data.ctx, dto));
  }

  @SubscribeMessage('typing')
  typing(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: TypingDto,
  ): Ack<{ coalitionId: string; relayed: boolean }> {
    this.limiter.take(socket.data.ctx.userId);
    this.requireSeat(socket, dto.coalitionId);
    const now = Date.now();
    const last = socket.data.typingAt[dto.coalitionId];
    // Throttled: "still typing" is repeated at most every TYPING_RELAY_INTERVAL_MS; a stop
    // is relayed when a start was.
    const relay = dto.isTyping
      ? last === undefined || now - last >= TYPING_RELAY_INTERVAL_MS
      : last !== undefined;
    if (relay) {
      if (dto.isTyping) socket.data.typingAt[dto.coalitionId] = now;
      else delete socket.data.typingAt[dto.coalitionId];
      socket.to(roomChannel(dto.coalitionId)).emit('typing' as never, {
        coalitionId: dto.coalitionId,
        userId: socket.data.ctx.userId,
        isTyping: dto.isTyping,
      });
    }
    return ok({ coalitionId: dto.coalitionId, relayed: relay });
  }

  @SubscribeMessage('comment:create')
  async createComment(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: CreateCommentDto,
  ): Promise<Ack<CommentView>> {
    this.limiter.take(socket.data.ctx.userId);
    this.requireSeat(socket, dto.coalitionId);
    delete socket.data.typingAt[dto.coalitionId];
    const { comment } = await this.rooms.createComment(socket.data.ctx, dto);
    return ok(comment);
  }

  @SubscribeMessage('comment:edit')
  async editComment(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: EditCommentDto,
  ): Promise<Ack<CommentView>> {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.rooms.editComment(socket.data.ctx, dto));
  }

  @SubscribeMessage('comment:delete')
  async deleteComment(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: CommentRefDto,
  ): Promise<Ack<CommentView>> {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.rooms.deleteComment(socket.data.ctx, dto.commentId));
  }

  @SubscribeMessage('comment:react')
  async react(
    @ConnectedSocket() socket: AccordSocket,
    @MessageBody() dto: ReactDto,
  ): Promise<Ack<CommentView>> {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.rooms.react(socket.data.ctx, dto));
  }

  @SubscribeMessage('comment:flag')
  async flag(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: FlagCommentDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.rooms.flag(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:hide')
  async hide(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: HideCommentDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.hide(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:unhide')
  async unhide(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: UnhideCommentDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.unhide(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:mute')
  async mute(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: MuteDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.mute(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:kick')
  async kick(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: RoomUserDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.kick(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:ban')
  async ban(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: RoomUserDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.ban(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:unban')
  async unban(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: RoomUserDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.unban(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:lock')
  async lock(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: LockDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.lock(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:slow')
  async slow(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: SlowModeDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.slowMode(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:pin')
  async pin(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: PinDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(await this.moderation.pin(socket.data.ctx, dto));
  }

  @SubscribeMessage('mod:dismiss')
  async dismiss(@ConnectedSocket() socket: AccordSocket, @MessageBody() dto: DismissFlagsDto) {
    this.limiter.take(socket.data.ctx.userId);
    return ok(
      await this.moderation.dismissFlags(
        socket.data.ctx,
        dto.coalitionId,
        dto.flagId,
        dto.reason?.trim() || null,
      ),
    );
  }

  private requireSeat(socket: AccordSocket, coalitionId: string): void {
    if (!socket.rooms.has(roomChannel(coalitionId))) {
      throw AccordError.forbidden('Join the room first (room:join)');
    }
  }

  /** Broadcasts what services did (from sockets and REST alike). */
  private async onRoomEvent(event: RoomEvent): Promise<void> {
    const room = roomChannel(event.coalitionId);
    const moderators = moderatorsChannel(event.coalitionId);
    switch (event.type) {
      case 'comment.created':
        this.server.to(room).emit('comment:created', event.comment);
        return;
      case 'comment.changed':
        this.server.to(room).except(moderators).emit(event.event, event.forOthers);
        this.server.to(moderators).emit(event.event, event.forModerators);
        return;
      case 'room.updated':
        this.server.to(room).emit('room:updated', roomUpdate(event.coalitionId, event.state));
        return;
      case 'room.muted':
        this.server
          .to(userChannel(event.userId))
          .emit('room:muted', { coalitionId: event.coalitionId, mutedUntil: event.until });
        return;
      case 'room.removed':
        await this.removeFromRoom(event.userId, event.coalitionId, event.reason);
        return;
      case 'flags.resolved':
        this.server.to(moderators).emit('flag:resolved', {
          coalitionId: event.coalitionId,
          commentId: event.commentId,
          resolution: event.resolution,
        });
        return;
      case 'flag.created':
        this.server.to(moderators).emit('flag:created', {
          ...event.flag,
          flaggedByName: event.flaggedByName,
          comment: event.comment,
        });
        return;
    }
  }

  /** Revocation: what a person may no longer see stops reaching their open sockets at once. */
  private async onDomainEvent(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'coalition.member.removed':
        if (event.visibility === 'private') {
          await this.removeFromRoom(event.userId, event.coalitionId, 'membership_ended');
        } else {
          await this.setModerator(event.userId, event.coalitionId, null);
        }
        return;
      case 'coalition.member.role_changed':
        await this.setModerator(event.userId, event.coalitionId, event.to as CoalitionRole);
        return;
      case 'auth.session.revoked':
        await this.endSignIn(event.userId, event.sessionId);
        return;
    }
  }

  /** Closes the sockets of one sign-in of a person, on every node. */
  private async endSignIn(userId: string, sessionId: string): Promise<void> {
    const sockets = await this.server.in(userChannel(userId)).fetchSockets();
    for (const s of sockets) {
      if ((s.data as AccordSocketData | undefined)?.ctx?.sessionId === sessionId)
        s.disconnect(true);
    }
  }

  /** Takes every socket of a person (on every node) out of a room, telling them why. */
  private async removeFromRoom(userId: string, coalitionId: string, reason: string): Promise<void> {
    const channels = [roomChannel(coalitionId), moderatorsChannel(coalitionId)];
    // This node at once (the adapter applies a cross-node leave on its own node only when the
    // message comes back from Redis), then every node; the presence that follows is then right.
    this.server.local.in(userChannel(userId)).socketsLeave(channels);
    this.server.in(userChannel(userId)).socketsLeave(channels);
    this.server.to(userChannel(userId)).emit('room:removed', { coalitionId, reason });
    await this.broadcastPresence(coalitionId);
  }

  /** Moves a person's sockets in a room into or out of its moderators' channel. */
  private async setModerator(
    userId: string,
    coalitionId: string,
    role: CoalitionRole | null,
  ): Promise<void> {
    const moderators = moderatorsChannel(coalitionId);
    if (!CoalitionAccessPolicy.canModerate(role)) {
      this.server.local.in(userChannel(userId)).socketsLeave(moderators);
      this.server.in(userChannel(userId)).socketsLeave(moderators);
    } else {
      const sockets = await this.server.in(userChannel(userId)).fetchSockets();
      for (const s of sockets) if (s.rooms.has(roomChannel(coalitionId))) s.join(moderators);
    }
    this.server.to(userChannel(userId)).emit('room:role', { coalitionId, role });
  }

  /** Presence across every node (fetchSockets asks the adapter), one entry per person. */
  private async broadcastPresence(coalitionId: string): Promise<PresenceEntry[]> {
    const sockets = await this.socketsIn(roomChannel(coalitionId));
    const seats = sockets
      .map((s) => (s.data as AccordSocketData | undefined)?.seats?.[coalitionId])
      .filter((seat): seat is RoomSeat => seat !== undefined);
    const users = presenceOf(seats);
    this.server.to(roomChannel(coalitionId)).emit('presence:update', { coalitionId, users });
    return users;
  }

  /**
   * The sockets in a channel on every node; if the other nodes cannot be asked in time (Redis
   * away), this node's own sockets, so a join is still answered.
   */
  private async socketsIn(channel: string) {
    const everywhere = this.server
      .in(channel)
      .fetchSockets()
      .catch((error: unknown) => {
        this.logger.warn({ err: error, channel }, 'other nodes did not answer fetchSockets');
        return null;
      });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), CROSS_NODE_TIMEOUT_MS);
    });
    const found = await Promise.race([everywhere, late]);
    clearTimeout(timer);
    return found ?? this.server.local.in(channel).fetchSockets();
  }
}

function roomUpdate(coalitionId: string, state: RoomState) {
  return {
    coalitionId,
    locked: state.locked,
    slowModeSeconds: state.slowModeSeconds,
    pinnedCommentId: state.pinnedCommentId,
  };
}
