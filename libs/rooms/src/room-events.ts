import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { CommentView } from './comment-view';
import type { RoomState } from './moderation.repository';
import type { CommentFlagRecord } from './moderation.schema';

export interface FlagView {
  id: string;
  coalitionId: string;
  commentId: string;
  userId: string;
  reason: string;
  createdAt: string;
}

export function toFlagView(flag: CommentFlagRecord): FlagView {
  return {
    id: flag._id.toString(),
    coalitionId: flag.coalitionId.toString(),
    commentId: flag.commentId.toString(),
    userId: flag.userId.toString(),
    reason: flag.reason,
    createdAt: new Date(flag.createdAt).toISOString(),
  };
}

/** What happened in rooms, for the realtime layer to broadcast (services never import the gateway). */
export type RoomEvent =
  | { type: 'comment.created'; coalitionId: string; comment: CommentView }
  | {
      /** An edit, deletion, hiding or reaction: moderators and everyone else get their own view. */
      type: 'comment.changed';
      coalitionId: string;
      event: 'comment:updated' | 'comment:deleted' | 'comment:hidden';
      forModerators: CommentView;
      forOthers: CommentView;
    }
  | { type: 'room.updated'; coalitionId: string; state: RoomState }
  | {
      type: 'room.removed';
      coalitionId: string;
      userId: string;
      reason: 'kicked' | 'banned' | 'membership_ended';
    }
  | { type: 'room.muted'; coalitionId: string; userId: string; until: string | null }
  | {
      type: 'flag.created';
      coalitionId: string;
      flag: FlagView;
      /** Who flagged, by name (as `flaggedByName` in the REST flag queue). */
      flaggedByName: string;
      comment: CommentView;
    }
  | {
      /** The flags of a comment were handled (dismissed, or the comment hidden / deleted). */
      type: 'flags.resolved';
      coalitionId: string;
      commentId: string;
      resolution: 'dismissed' | 'hidden' | 'deleted';
    };

@Injectable()
export class RoomEvents {
  private readonly subject = new Subject<RoomEvent>();
  readonly events$ = this.subject.asObservable();

  emit(event: RoomEvent): void {
    this.subject.next(event);
  }
}
