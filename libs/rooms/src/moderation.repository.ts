import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Inject } from '@nestjs/common';
import {
  isDuplicateKeyError,
  isObjectIdString,
  type SharedCache,
  SharedCaches,
} from '@accord/core';
import { Model, trusted, Types } from 'mongoose';
import {
  CommentFlag,
  type CommentFlagRecord,
  CommentReaction,
  type CommentReactionRecord,
  FlagDismissal,
  type FlagDismissalRecord,
  RoomSanction,
  type RoomSanctionRecord,
  RoomSettings,
  type RoomSettingsRecord,
  type SanctionKind,
} from './moderation.schema';
import { type ActiveRestrictions, activeRestrictions } from './room-restrictions';

export interface RoomState {
  locked: boolean;
  slowModeSeconds: number;
  pinnedCommentId: string | null;
}

export interface Standing {
  /** End of the current mute, or null when not muted. */
  mutedUntil: Date | null;
  banned: boolean;
}

export interface ReactionSummary {
  emoji: string;
  count: number;
  userIds: string[];
}

export const DEFAULT_ROOM_STATE: RoomState = {
  locked: false,
  slowModeSeconds: 0,
  pinnedCommentId: null,
};

/** Room settings, sanctions, flags and reactions: every moderation fact Accord stores. */
@Injectable()
export class ModerationRepository {
  /** Read on every comment; every write invalidates (on every node). */
  private readonly stateCache: SharedCache<RoomState>;
  private readonly standingCache: SharedCache<{ muteUntil: Date | null; banned: boolean }>;

  constructor(
    @InjectModel(RoomSettings.name) private readonly settings: Model<RoomSettings>,
    @InjectModel(RoomSanction.name) private readonly sanctions: Model<RoomSanction>,
    @InjectModel(CommentFlag.name) private readonly flags: Model<CommentFlag>,
    @InjectModel(CommentReaction.name) private readonly reactions: Model<CommentReaction>,
    @InjectModel(FlagDismissal.name) private readonly dismissals: Model<FlagDismissal>,
    @Inject(SharedCaches) caches: SharedCaches,
  ) {
    this.stateCache = caches.create('room-state', 60_000);
    this.standingCache = caches.create('room-standing', 60_000);
  }

  /** The room's settings; `fresh` reads the database (under the settings lock). */
  async roomState(
    coalitionId: Types.ObjectId,
    options: { fresh?: boolean } = {},
  ): Promise<RoomState> {
    const read = () => this.readRoomState(coalitionId);
    return options.fresh ? read() : this.stateCache.get(coalitionId.toString(), read);
  }

  private async readRoomState(coalitionId: Types.ObjectId): Promise<RoomState> {
    const doc = await this.settings.findById(coalitionId).lean<RoomSettingsRecord>().exec();
    if (!doc) return { ...DEFAULT_ROOM_STATE };
    return {
      locked: doc.locked ?? false,
      slowModeSeconds: doc.slowModeSeconds ?? 0,
      pinnedCommentId: doc.pinnedCommentId ? doc.pinnedCommentId.toString() : null,
    };
  }

  /** Writes the whole settings document; the caller holds the room's settings lock. */
  async saveRoomState(coalitionId: Types.ObjectId, state: RoomState): Promise<void> {
    await this.settings
      .replaceOne(
        { _id: coalitionId },
        {
          _id: coalitionId,
          locked: state.locked,
          slowModeSeconds: state.slowModeSeconds,
          pinnedCommentId: state.pinnedCommentId ? new Types.ObjectId(state.pinnedCommentId) : null,
          updatedAt: new Date(),
        },
        { upsert: true },
      )
      .exec();
    this.stateCache.invalidate(coalitionId.toString());
  }

  /** A person's standing in a room; `fresh` reads the database (to decide a change of it). */
  async standing(
    coalitionId: Types.ObjectId,
    userId: string,
    options: { fresh?: boolean; now?: Date } = {},
  ): Promise<Standing> {
    const now = options.now ?? new Date();
    const read = () => this.readStanding(coalitionId, userId);
    const latest = options.fresh
      ? await read()
      : await this.standingCache.get(`${coalitionId.toString()}:${userId}`, read);
    return {
      mutedUntil: latest.muteUntil && latest.muteUntil > now ? latest.muteUntil : null,
      banned: latest.banned,
    };
  }

  private async readStanding(
    coalitionId: Types.ObjectId,
    userId: string,
  ): Promise<{ muteUntil: Date | null; banned: boolean }> {
    const rows = await this.sanctions
      .find({ coalitionId, userId: new Types.ObjectId(userId) })
      .sort({ createdAt: -1, _id: -1 })
      .limit(200)
      .lean<RoomSanctionRecord[]>()
      .exec();
    const mute = rows.find((r) => r.kind === 'mute' || r.kind === 'unmute');
    const ban = rows.find((r) => r.kind === 'ban' || r.kind === 'unban');
    return {
      muteUntil: mute?.kind === 'mute' ? mute.until : null,
      banned: ban?.kind === 'ban',
    };
  }

  async addSanction(input: {
    coalitionId: Types.ObjectId;
    userId: string;
    kind: SanctionKind;
    until: Date | null;
    byId: string;
  }): Promise<void> {
    await this.sanctions.create({
      coalitionId: input.coalitionId,
      userId: new Types.ObjectId(input.userId),
      kind: input.kind,
      until: input.until,
      byId: new Types.ObjectId(input.byId),
    });
    this.standingCache.invalidate(`${input.coalitionId.toString()}:${input.userId}`);
  }

  /**
   * Who is banned from a room and who is muted in it at `now`. Reads every sanction of the room:
   * they are moderators' acts, few per room, and a limit would drop old bans that still stand.
   */
  async restrictionsOf(coalitionId: Types.ObjectId, now = new Date()): Promise<ActiveRestrictions> {
    const rows = await this.sanctions
      .find({ coalitionId })
      .sort({ createdAt: -1, _id: -1 })
      .lean<RoomSanctionRecord[]>()
      .exec();
    return activeRestrictions(rows, now);
  }

  /** Stores a flag; `created` is false when this person had flagged the comment already. */
  async addFlag(input: {
    coalitionId: Types.ObjectId;
    commentId: Types.ObjectId;
    userId: string;
    reason: string;
  }): Promise<{ flag: CommentFlagRecord; created: boolean }> {
    const userId = new Types.ObjectId(input.userId);
    try {
      const flag = await this.flags.create({ ...input, userId });
      return { flag: flag.toObject(), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const flag = await this.flags
        .findOne({ commentId: input.commentId, userId })
        .lean<CommentFlagRecord>()
        .exec();
      if (!flag) throw error;
      return { flag, created: false };
    }
  }

  /** A room's flags, newest first. */
  async flagsOf(coalitionId: Types.ObjectId): Promise<CommentFlagRecord[]> {
    return this.flags
      .find({ coalitionId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(5000)
      .lean<CommentFlagRecord[]>()
      .exec();
  }

  async findFlag(coalitionId: Types.ObjectId, flagId: string): Promise<CommentFlagRecord | null> {
    if (!isObjectIdString(flagId)) return null;
    return this.flags
      .findOne({ _id: new Types.ObjectId(flagId), coalitionId })
      .lean<CommentFlagRecord>()
      .exec();
  }

  async addDismissal(input: {
    coalitionId: Types.ObjectId;
    commentId: Types.ObjectId;
    byId: string;
    reason: string | null;
  }): Promise<FlagDismissalRecord> {
    const created = await this.dismissals.create({
      ...input,
      byId: new Types.ObjectId(input.byId),
    });
    return created.toObject();
  }

  /** The latest dismissal per comment of a room. */
  async lastDismissals(coalitionId: Types.ObjectId): Promise<Map<string, Date>> {
    const rows = await this.dismissals
      .find({ coalitionId })
      .select({ commentId: 1, createdAt: 1 })
      .lean<{ commentId: Types.ObjectId; createdAt: Date }[]>()
      .exec();
    const latest = new Map<string, Date>();
    for (const row of rows) {
      const key = row.commentId.toString();
      const seen = latest.get(key);
      if (!seen || seen < row.createdAt) latest.set(key, row.createdAt);
    }
    return latest;
  }

  /** Adds a reaction; false when it was there already. */
  async addReaction(commentId: Types.ObjectId, userId: string, emoji: string): Promise<boolean> {
    try {
      await this.reactions.create({ commentId, userId: new Types.ObjectId(userId), emoji });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async removeReaction(commentId: Types.ObjectId, userId: string, emoji: string): Promise<boolean> {
    const result = await this.reactions
      .deleteOne({ commentId, userId: new Types.ObjectId(userId), emoji })
      .exec();
    return result.deletedCount > 0;
  }

  async distinctEmojis(commentId: Types.ObjectId): Promise<Set<string>> {
    const rows = await this.reactions
      .find({ commentId })
      .select({ emoji: 1 })
      .lean<{ emoji: string }[]>()
      .exec();
    return new Set(rows.map((r) => r.emoji));
  }

  /** Reactions of these comments, summarised per emoji in the order they first appeared. */
  async reactionsOf(commentIds: Types.ObjectId[]): Promise<Map<string, ReactionSummary[]>> {
    const out = new Map<string, ReactionSummary[]>();
    if (commentIds.length === 0) return out;
    const rows = await this.reactions
      .find({ commentId: trusted({ $in: commentIds }) })
      .sort({ createdAt: 1, _id: 1 })
      .lean<CommentReactionRecord[]>()
      .exec();
    for (const row of rows) {
      const key = row.commentId.toString();
      const list = out.get(key) ?? [];
      let summary = list.find((s) => s.emoji === row.emoji);
      if (!summary) {
        summary = { emoji: row.emoji, count: 0, userIds: [] };
        list.push(summary);
      }
      summary.count += 1;
      summary.userIds.push(row.userId.toString());
      out.set(key, list);
    }
    return out;
  }
}
