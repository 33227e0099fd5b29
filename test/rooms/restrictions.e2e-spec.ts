// Who is banned and who is muted: moderators list the room's active restrictions, so that unban
// and unmute are offered only where they apply; lifting what does not stand is NOT_FOUND, with
// nothing stored, audited or announced.
import type { RoomRestrictions } from '@accord/client';
import { MongoClient, ObjectId } from 'mongodb';
import { apiError } from '../support/helpers';
import { flush, NO_SUCH_ID, ok, record, refused, RoomKit, roomAudit } from '../support/rooms';
import { emitAck } from '../support/sockets';
import { startTestApp, type TestApp } from '../support/test-app';

const NOTHING: RoomRestrictions = { bans: [], mutes: [] };

describe('room restrictions: active bans and mutes for moderators', () => {
  let t: TestApp;
  let kit: RoomKit;
  let mongo: MongoClient;

  beforeAll(async () => {
    t = await startTestApp();
    kit = new RoomKit(t);
    mongo = await MongoClient.connect(t.mongodbUri);
  });

  afterEach(() => kit.closeSockets());

  afterAll(async () => {
    await mongo?.close();
    await t?.close();
  });

  it('lists a ban until it is lifted, and a mute until it is lifted or ends', async () => {
    const { c, organiser, mod, ann, bea, out } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
      out: 'outsider',
    });
    const m = await kit.enter(mod, c.id);
    const o = await kit.enter(organiser, c.id);
    expect(await mod.client.coalitions.restrictions(c.id)).toEqual(NOTHING);

    // Bans: a member and an outsider of the public room, newest first, for every moderator.
    const asked = Date.now();
    await ok(emitAck(m.socket, 'mod:ban', { coalitionId: c.id, userId: ann.user.id }));
    await ok(emitAck(o.socket, 'mod:ban', { coalitionId: c.id, userId: out.user.id }));
    const banned = await mod.client.coalitions.restrictions(c.id);
    expect(banned).toEqual({
      bans: [
        {
          userId: out.user.id,
          displayName: 'out',
          bannedAt: expect.any(String),
          bannedBy: organiser.user.id,
        },
        {
          userId: ann.user.id,
          displayName: 'ann',
          bannedAt: expect.any(String),
          bannedBy: mod.user.id,
        },
      ],
      mutes: [],
    });
    for (const ban of banned.bans) {
      expect(Date.parse(ban.bannedAt)).toBeGreaterThanOrEqual(asked - 5_000);
      expect(Date.parse(ban.bannedAt)).toBeLessThanOrEqual(Date.now() + 5_000);
    }
    expect(await organiser.client.coalitions.restrictions(c.id)).toEqual(banned);

    // A mute is listed with its end.
    const muted = await ok(
      emitAck<{ mutedUntil: string }>(m.socket, 'mod:mute', {
        coalitionId: c.id,
        userId: bea.user.id,
        minutes: 10,
      }),
    );
    expect((await mod.client.coalitions.restrictions(c.id)).mutes).toEqual([
      {
        userId: bea.user.id,
        displayName: 'bea',
        mutedUntil: muted.mutedUntil,
        mutedBy: mod.user.id,
      },
    ]);

    // Unban: gone from the list (the other ban stays).
    expect(
      await ok(emitAck(m.socket, 'mod:unban', { coalitionId: c.id, userId: ann.user.id })),
    ).toEqual({ userId: ann.user.id, banned: false });
    expect((await mod.client.coalitions.restrictions(c.id)).bans.map((b) => b.userId)).toEqual([
      out.user.id,
    ]);

    // Lifting the mute: gone.
    expect(
      await ok(
        emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: bea.user.id, minutes: 0 }),
      ),
    ).toEqual({ userId: bea.user.id, mutedUntil: null });
    expect((await mod.client.coalitions.restrictions(c.id)).mutes).toEqual([]);

    // A mute that has ended is not listed (its end moved into the past, as time would).
    await ok(emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: bea.user.id, minutes: 5 }));
    expect((await mod.client.coalitions.restrictions(c.id)).mutes).toHaveLength(1);
    const ended = await mongo
      .db()
      .collection('room_sanctions')
      .updateMany(
        { coalitionId: new ObjectId(c.id), userId: new ObjectId(bea.user.id), kind: 'mute' },
        { $set: { until: new Date(Date.now() - 60_000) } },
      );
    expect(ended.matchedCount).toBe(2);
    expect(await mod.client.coalitions.restrictions(c.id)).toEqual({
      bans: [expect.objectContaining({ userId: out.user.id })],
      mutes: [],
    });
    // …and cannot be lifted: there is nothing to lift.
    const endedLift = await refused(
      emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: bea.user.id, minutes: 0 }),
      'NOT_FOUND',
    );
    expect(endedLift.message).toBe('This person is not muted in this room');

    expect((await roomAudit(organiser, c.id)).map((e) => [e.action, e.target.id])).toEqual([
      ['room.user.banned', ann.user.id],
      ['room.user.banned', out.user.id],
      ['room.user.muted', bea.user.id],
      ['room.user.unbanned', ann.user.id],
      ['room.user.unmuted', bea.user.id],
      ['room.user.muted', bea.user.id],
    ]);
  });

  it('answers NOT_FOUND to unban someone not banned or unmute someone not muted: nothing stored, audited or announced', async () => {
    const { c, organiser, mod, ann } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const toAnn = record<{ mutedUntil: string | null }>(a.socket, 'room:muted');

    const unban = await refused(
      emitAck(m.socket, 'mod:unban', { coalitionId: c.id, userId: ann.user.id }),
      'NOT_FOUND',
    );
    expect(unban.message).toBe('This person is not banned from this room');
    const unmute = await refused(
      emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: ann.user.id, minutes: 0 }),
      'NOT_FOUND',
    );
    expect(unmute.message).toBe('This person is not muted in this room');
    await flush(a.socket);
    expect(toAnn).toEqual([]);

    // Once lifted, lifting again is refused the same way.
    await ok(emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: ann.user.id, minutes: 5 }));
    await ok(emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: ann.user.id, minutes: 0 }));
    await refused(
      emitAck(m.socket, 'mod:mute', { coalitionId: c.id, userId: ann.user.id, minutes: 0 }),
      'NOT_FOUND',
      'is not muted',
    );
    await flush(a.socket);
    expect(toAnn.map((e) => e.mutedUntil === null)).toEqual([false, true]);
    await ok(emitAck(m.socket, 'mod:ban', { coalitionId: c.id, userId: ann.user.id }));
    await ok(emitAck(m.socket, 'mod:unban', { coalitionId: c.id, userId: ann.user.id }));
    await refused(
      emitAck(m.socket, 'mod:unban', { coalitionId: c.id, userId: ann.user.id }),
      'NOT_FOUND',
      'is not banned',
    );

    // The rank rule and the user check still come first.
    await refused(
      emitAck(m.socket, 'mod:unban', { coalitionId: c.id, userId: organiser.user.id }),
      'FORBIDDEN',
    );
    await refused(
      emitAck(m.socket, 'mod:unban', { coalitionId: c.id, userId: NO_SUCH_ID }),
      'NOT_FOUND',
      'No such user',
    );

    expect((await roomAudit(organiser, c.id)).map((e) => e.action)).toEqual([
      'room.user.muted',
      'room.user.unmuted',
      'room.user.banned',
      'room.user.unbanned',
    ]);
    // Stored: the four that were made, none of the refused.
    const stored = await mongo
      .db()
      .collection('room_sanctions')
      .find({ coalitionId: new ObjectId(c.id) })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
    expect(stored.map((s) => s.kind)).toEqual(['mute', 'unmute', 'ban', 'unban']);
    expect(await mod.client.coalitions.restrictions(c.id)).toEqual(NOTHING);
  });

  it('lifts a ban once when two moderators lift it at the same time', async () => {
    const { c, organiser, mod, ann } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const o = await kit.enter(organiser, c.id);
    await ok(emitAck(m.socket, 'mod:ban', { coalitionId: c.id, userId: ann.user.id }));
    const answers = await Promise.all(
      [m, o].map(({ socket }) =>
        emitAck(socket, 'mod:unban', { coalitionId: c.id, userId: ann.user.id }),
      ),
    );
    expect(answers.map((a) => (a.ok ? 'ok' : a.error?.code)).sort()).toEqual(['NOT_FOUND', 'ok']);
    expect(
      (await roomAudit(organiser, c.id)).filter((e) => e.action === 'room.user.unbanned'),
    ).toHaveLength(1);
    expect(await mod.client.coalitions.restrictions(c.id)).toEqual(NOTHING);
  });

  it('is for moderators and organisers: 403 for members and observers, 404 where the coalition is unseen', async () => {
    const { c, ann, obs, out } = await kit.room('private', {
      ann: 'member',
      obs: 'observer',
      out: 'outsider',
    });
    for (const [who, status] of [
      [ann, 403],
      [obs, 403],
      [out, 404],
    ] as const) {
      const error = await apiError(who.client.coalitions.restrictions(c.id));
      expect({ status: error.status, code: error.code }).toEqual({
        status,
        code: status === 403 ? 'FORBIDDEN' : 'NOT_FOUND',
      });
    }
    const publicRoom = await kit.room('public', { out: 'outsider' });
    expect(
      (await apiError(publicRoom.out.client.coalitions.restrictions(publicRoom.c.id))).status,
    ).toBe(403);
    for (const id of [NO_SUCH_ID, 'not-an-id']) {
      expect((await apiError(publicRoom.organiser.client.coalitions.restrictions(id))).status).toBe(
        404,
      );
    }
    expect((await t.client().raw('GET', `/coalitions/${c.id}/restrictions`)).status).toBe(401);
  });
});
