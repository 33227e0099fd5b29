// The flag queue's life cycle: flags open, moderators keep (dismiss) or hide / delete the
// comment, which resolves them, live and in the queue; a later flag opens the comment again.
import { AccordApiError, type RoomComment, type RoomFlag } from '@accord/client';
import { emitAck, waitForEvent } from '../support/sockets';
import { flush, ok, record, refused, RoomKit, roomAudit, say, NO_SUCH_ID } from '../support/rooms';
import { startTestApp, type TestApp } from '../support/test-app';

interface Resolved {
  coalitionId: string;
  commentId: string;
  resolution: string;
}

describe('flag queue: dismiss, hide and delete resolve flags', () => {
  let t: TestApp;
  let kit: RoomKit;

  beforeAll(async () => {
    t = await startTestApp();
    kit = new RoomKit(t);
  });

  afterEach(() => kit.closeSockets());

  afterAll(async () => {
    await t?.close();
  });

  it('resolves flags when a moderator keeps, hides or deletes the comment, and reopens on a new flag', async () => {
    const { c, organiser, mod, ann, bea, cid } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
      cid: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const resolvedForMod = record<Resolved>(m.socket, 'flag:resolved');
    const resolvedForMember = record<Resolved>(b.socket, 'flag:resolved');
    const kept = await say(a.socket, c.id, 'A blunt but fair point');
    const hidden = await say(a.socket, c.id, 'An insult');
    const deleted = await say(a.socket, c.id, 'Spam');
    const flag = async (user: typeof bea, comment: RoomComment, reason: string) => {
      const s = await kit.enter(user, c.id);
      return ok(
        emitAck<{ flag: { id: string } }>(s.socket, 'comment:flag', {
          commentId: comment.id,
          reason,
        }),
      );
    };
    const f1 = await flag(bea, kept, 'rude');
    await flag(bea, hidden, 'insult');
    await flag(bea, deleted, 'spam');
    await flag(cid, kept, 'also rude');

    const open = await mod.client.coalitions.flags(c.id);
    expect(open.total).toBe(4);
    expect(open.items.every((i) => i.status === 'open' && i.resolution === null)).toBe(true);

    // Members may not dismiss; unknown flags are 404; a bad reason is 400.
    const memberTry = await bea.client.coalitions
      .dismissFlags(c.id, f1.flag.id)
      .catch((e: unknown) => e);
    expect(memberTry).toBeInstanceOf(AccordApiError);
    expect((memberTry as AccordApiError).status).toBe(403);
    const unknown = await mod.client.coalitions
      .dismissFlags(c.id, NO_SUCH_ID)
      .catch((e: unknown) => e);
    expect((unknown as AccordApiError).status).toBe(404);
    const tooLong = await mod.client.coalitions
      .dismissFlags(c.id, f1.flag.id, 'x'.repeat(501))
      .catch((e: unknown) => e);
    expect((tooLong as AccordApiError).status).toBe(400);

    // Keep: both flags of that comment are resolved as dismissed.
    expect(
      await mod.client.coalitions.dismissFlags(c.id, f1.flag.id, 'Robust, not abusive'),
    ).toEqual({
      commentId: kept.id,
      resolution: 'dismissed',
    });
    // Hide (socket) and delete: their flags are resolved too.
    await ok(emitAck(m.socket, 'mod:hide', { commentId: hidden.id, reason: 'Insult' }));
    await ok(emitAck(m.socket, 'comment:delete', { commentId: deleted.id }));
    await flush(m.socket);
    await flush(b.socket);
    expect(resolvedForMod.map((r) => [r.commentId, r.resolution])).toEqual([
      [kept.id, 'dismissed'],
      [hidden.id, 'hidden'],
      [deleted.id, 'deleted'],
    ]);
    expect(resolvedForMember).toEqual([]);

    const all = await mod.client.coalitions.flags(c.id, { status: 'all' });
    const byComment = Object.fromEntries(all.items.map((i) => [i.commentId, i.resolution]));
    expect(byComment).toEqual({
      [kept.id]: 'dismissed',
      [hidden.id]: 'hidden',
      [deleted.id]: 'deleted',
    });
    expect((await mod.client.coalitions.flags(c.id)).total).toBe(0);

    // A new flag on the kept comment opens it again; dismissing over the socket resolves it.
    const later = await flag(organiser, kept, 'still rude');
    const reopened = await mod.client.coalitions.flags(c.id);
    expect(reopened.items.map((i) => i.id)).toEqual([later.flag.id]);
    await refused(
      emitAck(a.socket, 'mod:dismiss', { coalitionId: c.id, flagId: later.flag.id }),
      'FORBIDDEN',
    );
    await refused(
      emitAck(m.socket, 'mod:dismiss', { coalitionId: c.id, flagId: 'nope' }),
      'VALIDATION',
      'flagId',
    );
    expect(
      await ok(emitAck(m.socket, 'mod:dismiss', { coalitionId: c.id, flagId: later.flag.id })),
    ).toEqual({ commentId: kept.id, resolution: 'dismissed' });
    expect((await mod.client.coalitions.flags(c.id)).total).toBe(0);

    const audit = await roomAudit(organiser, c.id);
    expect(audit.filter((e) => e.action === 'room.flags.dismissed').map((e) => e.target)).toEqual([
      { type: 'comment', id: kept.id },
      { type: 'comment', id: kept.id },
    ]);
    expect(audit.find((e) => e.action === 'room.flags.dismissed')?.data).toMatchObject({
      reason: 'Robust, not abusive',
    });
  });

  it('refuses to flag a comment hidden or deleted already (CONFLICT): nothing stored, nobody alerted', async () => {
    const { c, mod, ann, bea } = await kit.room('public', {
      mod: 'moderator',
      ann: 'member',
      bea: 'member',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const b = await kit.enter(bea, c.id);
    const alerts = record<{ commentId: string }>(m.socket, 'flag:created');
    const hidden = await say(a.socket, c.id, 'Soon hidden');
    const deleted = await say(a.socket, c.id, 'Soon deleted');
    const flag = (commentId: string, reason: string) =>
      emitAck<{ flag: { id: string }; alreadyFlagged: boolean }>(b.socket, 'comment:flag', {
        commentId,
        reason,
      });
    // Flagged once before it was hidden: flagging it again afterwards is refused too.
    await ok(flag(hidden.id, 'rude'));
    await ok(emitAck(m.socket, 'mod:hide', { commentId: hidden.id, reason: 'Rude' }));
    await ok(emitAck(a.socket, 'comment:delete', { commentId: deleted.id }));
    await flush(m.socket);
    const before = await mod.client.coalitions.flags(c.id, { status: 'all' });
    expect(before.items.map((i) => [i.commentId, i.resolution])).toEqual([[hidden.id, 'hidden']]);

    const onHidden = await refused(flag(hidden.id, 'still rude'), 'CONFLICT');
    expect(onHidden.message).toBe('This comment is already hidden by a moderator');
    const byModerator = await refused(
      emitAck(m.socket, 'comment:flag', { commentId: hidden.id, reason: 'for the record' }),
      'CONFLICT',
    );
    expect(byModerator.message).toBe('This comment is already hidden by a moderator');
    const onDeleted = await refused(flag(deleted.id, 'spam'), 'CONFLICT');
    expect(onDeleted.message).toBe('This comment is already deleted');

    await flush(m.socket);
    expect(alerts.map((f) => f.commentId)).toEqual([hidden.id]);
    expect(await mod.client.coalitions.flags(c.id, { status: 'all' })).toEqual(before);
    expect((await mod.client.coalitions.flags(c.id)).total).toBe(0);

    // Unhidden, it can be flagged again: open in the queue, and live.
    await ok(emitAck(m.socket, 'mod:unhide', { commentId: hidden.id }));
    const alert = waitForEvent<{ commentId: string }>(m.socket, 'flag:created');
    expect(await ok(flag(hidden.id, 'rude again'))).toMatchObject({ alreadyFlagged: true });
    const open = await mod.client.coalitions.flags(c.id);
    expect(open.items.map((i) => [i.commentId, i.status])).toEqual([[hidden.id, 'open']]);
    const x = await say(a.socket, c.id, 'Fresh');
    await ok(flag(x.id, 'also rude'));
    expect((await alert).commentId).toBe(x.id);
  });

  it('names the flagger in flag:created as the REST queue does (flaggedByName)', async () => {
    const { c, mod, ann, obs } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
      obs: 'observer',
    });
    const m = await kit.enter(mod, c.id);
    const a = await kit.enter(ann, c.id);
    const ob = await kit.enter(obs, c.id);
    const x = await say(a.socket, c.id, 'Flag me');
    const alert = waitForEvent<RoomFlag & { flaggedByName: string; comment: RoomComment }>(
      m.socket,
      'flag:created',
    );
    const { flag } = await ok(
      emitAck<{ flag: RoomFlag }>(ob.socket, 'comment:flag', { commentId: x.id, reason: 'Unkind' }),
    );
    const live = await alert;
    const [queued] = (await mod.client.coalitions.flags(c.id)).items;
    expect(live).toEqual({
      ...flag,
      flaggedByName: 'obs',
      comment: expect.objectContaining({ id: x.id, body: 'Flag me' }),
    });
    expect(live.flaggedByName).toBe(queued.flaggedByName);
    // The ack stays as it was: the flag alone.
    expect(Object.keys(flag).sort()).toEqual(
      ['coalitionId', 'commentId', 'createdAt', 'id', 'reason', 'userId'].sort(),
    );
  });

  it("applies the rank rule: a moderator cannot dismiss flags on an organiser's comment", async () => {
    const { c, organiser, mod, ann } = await kit.room('private', {
      mod: 'moderator',
      ann: 'member',
    });
    const o = await kit.enter(organiser, c.id);
    const a = await kit.enter(ann, c.id);
    const said = await say(o.socket, c.id, 'Organiser speaking');
    const flagged = await ok(
      emitAck<{ flag: { id: string } }>(a.socket, 'comment:flag', {
        commentId: said.id,
        reason: 'biased',
      }),
    );
    const refusedDismiss = await mod.client.coalitions
      .dismissFlags(c.id, flagged.flag.id)
      .catch((e: unknown) => e);
    expect((refusedDismiss as AccordApiError).status).toBe(403);
    expect((await organiser.client.coalitions.flags(c.id)).total).toBe(1);
  });
});
