/** One person in a room's presence list (several tabs of one person count once). */
export interface PresenceEntry {
  userId: string;
  displayName: string;
  organisationId: string;
  stakeholderType: string;
}

/** What a socket carries about its person in a room, set when it joins. */
export interface RoomSeat extends PresenceEntry {
  coalitionId: string;
}

export function roomChannel(coalitionId: string): string {
  return `coalition:${coalitionId}`;
}

/** The room's moderators' sockets: hidden comments with reasons, flags. */
export function moderatorsChannel(coalitionId: string): string {
  return `coalition:${coalitionId}:moderators`;
}

export function userChannel(userId: string): string {
  return `user:${userId}`;
}

/** Deduplicates seats by person, in a stable order. */
export function presenceOf(seats: RoomSeat[]): PresenceEntry[] {
  const byUser = new Map<string, PresenceEntry>();
  for (const seat of seats) {
    if (!byUser.has(seat.userId)) {
      byUser.set(seat.userId, {
        userId: seat.userId,
        displayName: seat.displayName,
        organisationId: seat.organisationId,
        stakeholderType: seat.stakeholderType,
      });
    }
  }
  return [...byUser.values()].sort(
    (a, b) => a.displayName.localeCompare(b.displayName) || a.userId.localeCompare(b.userId),
  );
}
