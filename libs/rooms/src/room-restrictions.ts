import type { RoomSanctionRecord } from './moderation.schema';

/** Who is banned from a room and who is muted in it now: the sanction entry that decided each. */
export interface ActiveRestrictions {
  /** One entry per person banned now (the ban that stands), newest first. */
  bans: RoomSanctionRecord[];
  /** One entry per person whose mute has not ended at `now` (the mute that stands), newest first. */
  mutes: (RoomSanctionRecord & { until: Date })[];
}

/**
 * Reads a room's sanctions, given newest first, as standings: a person's latest entry of each pair
 * (ban/unban, mute/unmute) decides, as for one person's standing (ModerationRepository.standing).
 */
export function activeRestrictions(
  newestFirst: RoomSanctionRecord[],
  now: Date,
): ActiveRestrictions {
  const decided = { ban: new Set<string>(), mute: new Set<string>() };
  const active: ActiveRestrictions = { bans: [], mutes: [] };
  for (const row of newestFirst) {
    const pair = row.kind === 'ban' || row.kind === 'unban' ? 'ban' : 'mute';
    const userId = row.userId.toString();
    if (decided[pair].has(userId)) continue;
    decided[pair].add(userId);
    if (row.kind === 'ban') active.bans.push(row);
    else if (row.kind === 'mute' && row.until && row.until > now)
      active.mutes.push({ ...row, until: row.until });
  }
  return active;
}
