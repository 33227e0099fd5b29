import { Global, Injectable, Module } from '@nestjs/common';
import { type Observable, Subject } from 'rxjs';

/**
 * Facts other parts of Accord react to (the realtime layer above all). Emitted on the node that
 * made the change, after it was stored; subscribers that act on sockets do it through the
 * socket.io adapter, so the effect reaches every node.
 */
export type DomainEvent =
  | {
      type: 'coalition.member.removed';
      coalitionId: string;
      userId: string;
      /** A private coalition disappears for a removed member; a public one stays readable. */
      visibility: 'public' | 'private';
    }
  | {
      type: 'coalition.member.role_changed';
      coalitionId: string;
      userId: string;
      from: string;
      to: string;
    }
  | { type: 'auth.session.revoked'; userId: string; sessionId: string; reason: string };

export type DomainEventType = DomainEvent['type'];

@Injectable()
export class DomainEvents {
  private readonly subject = new Subject<DomainEvent>();

  emit(event: DomainEvent): void {
    this.subject.next(event);
  }

  /** Every event; subscribers must not throw (an error would end the stream for everyone). */
  get events$(): Observable<DomainEvent> {
    return this.subject.asObservable();
  }
}

/** One bus per process, available everywhere. */
@Global()
@Module({ providers: [DomainEvents], exports: [DomainEvents] })
export class DomainEventsModule {}
