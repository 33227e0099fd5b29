import { Inject, UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { AuthContext } from '@accord/auth';
import type { CoalitionRole } from '@accord/coalitions';
import {
  ACCORD_LOGGER,
  AccordError,
  type AccordLogger,
  createValidationPipe,
  type DomainEvent,
  DomainEvents,
} from '@accord/core';
import { type Ack, ok, runGuarded, userChannel, WsAckExceptionFilter } from '@accord/rooms';
import type { Server, Socket } from 'socket.io';
import { ActionPlansService } from './action-plans.service';
import { isFrozen } from './plan-access.policy';
import { OpenPlanDto, PlanRefDto, PlanUpdateDto } from './dto/action-plan.dto';
import { PlanDocuments } from './plan-documents';
import { type PlanEvent, PlanEvents } from './plan-events';
import { PlanRateLimiter } from './plan-rate-limiter';

export function planChannel(planId: string): string {
  return `plan:${planId}`;
}

/** What a socket carries for plans: the person, and the plans it has open (plan → coalition). */
interface PlanSocketData {
  ctx: AuthContext;
  plans: Record<string, string>;
}

type PlanSocket = Socket<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  PlanSocketData
>;

export interface PlanOpenAck {
  planId: string;
  /** What the client lacks, as one Yjs update (all of it without a state vector). */
  update: Uint8Array;
  /** The server's state vector: the client sends what the server lacks as a plan:update. */
  stateVector: Uint8Array;
  /** The cursors and selections of the others, as a y-protocols awareness update (or null). */
  awareness: Uint8Array | null;
  readOnly: boolean;
  status: string;
  seq: number;
}

/**
 * Live co-authoring (DESIGN.md → Realtime): plan:open answers the part of the document the client
 * lacks, plan:update is stored before its ack and relayed, plan:awareness is relayed. Every event
 * is authorized again; removal and role changes reach open sockets at once.
 */
@WebSocketGateway()
@UseFilters(WsAckExceptionFilter)
@UsePipes(createValidationPipe())
export class PlansGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer()
  private server!: Server;

  constructor(
    @Inject(ActionPlansService) private readonly plans: ActionPlansService,
    @Inject(PlanDocuments) private readonly documents: PlanDocuments,
    @Inject(PlanEvents) private readonly events: PlanEvents,
    @Inject(DomainEvents) private readonly domainEvents: DomainEvents,
    @Inject(PlanRateLimiter) private readonly limiter: PlanRateLimiter,
    @Inject(ACCORD_LOGGER) private readonly logger: AccordLogger,
  ) {}

  afterInit(): void {
    this.documents.countHolders(
      (planId) => this.server.sockets.adapter.rooms.get(planChannel(planId))?.size ?? 0,
    );
    this.events.events$.subscribe((event) =>
      runGuarded(this.logger, event.type, () => this.onPlanEvent(event)),
    );
    this.domainEvents.events$.subscribe((event) =>
      runGuarded(this.logger, event.type, () => this.onDomainEvent(event)),
    );
  }

  handleConnection(socket: PlanSocket): void {
    socket.data.plans = {};
  }

  handleDisconnect(socket: PlanSocket): void {
    for (const planId of Object.keys(socket.data.plans ?? {})) {
      this.plans.release(planId, socket.id);
    }
  }

  @SubscribeMessage('plan:open')
  async open(
    @ConnectedSocket() socket: PlanSocket,
    @MessageBody() dto: OpenPlanDto,
  ): Promise<Ack<PlanOpenAck>> {
    this.limiter.take(socket.data.ctx.userId);
    const opening = await this.plans.open(socket.data.ctx, dto.planId);
    // Listen first, then take the state: nothing stored in between is missed.
    socket.data.plans[dto.planId] = opening.coalitionId;
    await socket.join(planChannel(dto.planId));
    const state = opening.snapshot(dto.stateVector);
    return ok({
      planId: dto.planId,
      update: state.update,
      stateVector: state.stateVector,
      awareness: state.awareness,
      readOnly: opening.readOnly,
      status: opening.status,
      seq: state.seq,
    });
  }

  @SubscribeMessage('plan:update')
  async update(
    @ConnectedSocket() socket: PlanSocket,
    @MessageBody() dto: PlanUpdateDto,
  ): Promise<Ack<{ planId: string; seq: number; stored: boolean }>> {
    this.limiter.take(socket.data.ctx.userId);
    this.requireOpen(socket, dto.planId);
    const result = await this.plans.applyUpdate(socket.data.ctx, dto.planId, dto.update, socket.id);
    return ok({ planId: dto.planId, ...result });
  }

  @SubscribeMessage('plan:awareness')
  async awareness(
    @ConnectedSocket() socket: PlanSocket,
    @MessageBody() dto: PlanUpdateDto,
  ): Promise<Ack<{ planId: string }>> {
    this.limiter.take(socket.data.ctx.userId);
    this.requireOpen(socket, dto.planId);
    await this.plans.awareness(socket.data.ctx, dto.planId, dto.update, socket.id);
    return ok({ planId: dto.planId });
  }

  @SubscribeMessage('plan:close')
  async close(
    @ConnectedSocket() socket: PlanSocket,
    @MessageBody() dto: PlanRefDto,
  ): Promise<Ack<{ planId: string }>> {
    if (socket.data.plans[dto.planId] !== undefined) {
      delete socket.data.plans[dto.planId];
      await socket.leave(planChannel(dto.planId));
      this.plans.release(dto.planId, socket.id);
    }
    return ok({ planId: dto.planId });
  }

  private requireOpen(socket: PlanSocket, planId: string): void {
    if (!socket.rooms.has(planChannel(planId))) {
      throw AccordError.forbidden('Open the plan first (plan:open)');
    }
  }

  /** Stored changes and awareness go to this node's sockets (other nodes relay to their own). */
  private onPlanEvent(event: PlanEvent): void {
    const channel = planChannel(event.planId);
    switch (event.type) {
      case 'plan.update':
      case 'plan.awareness': {
        const name = event.type === 'plan.update' ? 'plan:update' : 'plan:awareness';
        const target = this.server.local.to(channel);
        (event.except ? target.except(event.except) : target).emit(name, {
          planId: event.planId,
          update: event.update,
        });
        return;
      }
      case 'plan.status':
        this.server.to(channel).emit('plan:status', {
          planId: event.planId,
          status: event.status,
          frozen: isFrozen(event.status),
        });
        return;
      case 'plan.endorsed':
        this.server.to(channel).emit('plan:endorsed', {
          planId: event.planId,
          organisationId: event.organisationId,
          versionId: event.versionId,
        });
        return;
    }
  }

  /** Revocation: a removed member's sockets stop receiving the coalition's plans at once. */
  private async onDomainEvent(event: DomainEvent): Promise<void> {
    if (event.type !== 'coalition.member.removed' && event.type !== 'coalition.member.role_changed')
      return;
    const sockets = await this.server.in(userChannel(event.userId)).fetchSockets();
    for (const s of sockets) {
      const open = (s.data as PlanSocketData | undefined)?.plans ?? {};
      for (const [planId, coalitionId] of Object.entries(open)) {
        if (coalitionId !== event.coalitionId) continue;
        if (event.type === 'coalition.member.removed') {
          delete open[planId];
          s.leave(planChannel(planId));
          this.plans.revoke(planId, s.id);
          s.emit('plan:closed', { planId, reason: 'membership_ended' });
          continue;
        }
        const role = event.to as CoalitionRole;
        s.emit('plan:access', {
          planId,
          role,
          readOnly: await this.plans.readOnlyFor(planId, role),
        });
      }
    }
  }
}
