import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { CommentView } from './rooms.service';

/** What happened in rooms, for the realtime layer to broadcast (services never import the gateway). */
export type RoomEvent = { type: 'comment.created'; coalitionId: string; comment: CommentView };

@Injectable()
export class RoomEvents {
  private readonly subject = new Subject<RoomEvent>();
  readonly events$ = this.subject.asObservable();

  emit(event: RoomEvent): void {
    this.subject.next(event);
  }
}
