import { Types } from 'mongoose';
import type { RoomSanctionRecord, SanctionKind } from './moderation.schema';
import { activeRestrictions } from './room-restrictions';

const room = new Types.ObjectId();
const moderator = new Types.ObjectId();
const ana = new Types.ObjectId();
const bo = new Types.ObjectId();
const now = new Date('2024-06-01T12:00:00Z');
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

let clock = 0;
function entry(user: Types.ObjectId, kind: SanctionKind, until: Date | null = null) {
  return {
    _id: new Types.ObjectId(),
    coalitionId: room,
    userId: user,
    kind,
    until,
    byId: moderator,
    createdAt: minutes(-100 + clock++),
  } satisfies RoomSanctionRecord;
}

/** Entries are written oldest first here; the repository hands them over newest first. */
const standing = (...oldestFirst: RoomSanctionRecord[]) =>
  activeRestrictions([...oldestFirst].reverse(), now);

const who = (rows: RoomSanctionRecord[]) => rows.map((r) => r.userId.toString());

describe('activeRestrictions', () => {
  it('lists a ban until it is lifted, once per person, with the ban that stands', () => {
    const first = entry(ana, 'ban');
    const again = entry(ana, 'ban');
    expect(standing(first, again).bans).toEqual([again]);
    expect(standing(first, entry(ana, 'unban')).bans).toEqual([]);
    expect(who(standing(entry(ana, 'unban'), entry(ana, 'ban'), entry(bo, 'ban')).bans)).toEqual([
      bo.toString(),
      ana.toString(),
    ]);
  });

  it('lists only mutes that have not ended and were not lifted', () => {
    expect(who(standing(entry(ana, 'mute', minutes(10))).mutes)).toEqual([ana.toString()]);
    expect(standing(entry(ana, 'mute', minutes(-1))).mutes).toEqual([]);
    expect(standing(entry(ana, 'mute', now)).mutes).toEqual([]);
    expect(standing(entry(ana, 'mute', minutes(10)), entry(ana, 'unmute')).mutes).toEqual([]);
    // A later, shorter mute replaces a longer one; a new mute after a lift counts again.
    const shorter = entry(ana, 'mute', minutes(-5));
    expect(standing(entry(ana, 'mute', minutes(60)), shorter).mutes).toEqual([]);
    const renewed = entry(bo, 'mute', minutes(5));
    expect(standing(entry(bo, 'unmute'), renewed).mutes).toEqual([renewed]);
  });

  it('keeps bans and mutes apart: lifting one leaves the other', () => {
    const ban = entry(ana, 'ban');
    const mute = entry(ana, 'mute', minutes(30));
    expect(standing(ban, mute, entry(ana, 'unmute'))).toEqual({ bans: [ban], mutes: [] });
    expect(standing(mute, ban, entry(ana, 'unban'))).toEqual({ bans: [], mutes: [mute] });
  });
});
