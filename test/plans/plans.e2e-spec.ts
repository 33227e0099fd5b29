import * as Y from 'yjs';
import type { PlanSession } from '@accord/client';
import { apiError } from '../support/helpers';
import {
  actionsOf,
  contentOf,
  contentOfView,
  Editors,
  socketError,
  text,
  until,
} from '../support/plans';
import { NO_SUCH_ID, RoomKit } from '../support/rooms';
import { emitAck } from '../support/sockets';
import { startTestApp, type TestApp } from '../support/test-app';

describe('action plans: live co-authoring over the socket contract and REST', () => {
  let t: TestApp;
  let kit: RoomKit;
  const editors = new Editors();

  beforeAll(async () => {
    t = await startTestApp();
    kit = new RoomKit(t);
  });

  afterEach(() => {
    editors.closeAll();
    kit.closeSockets();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function planIn(visibility: 'public' | 'private' = 'private') {
    const room = await kit.room(visibility, {
      ann: 'member',
      bob: 'member',
      obs: 'observer',
      out: 'outsider',
    });
    const plan = await room.organiser.client.plans.create(room.c.id, 'Protecting defenders');
    return { ...room, plan };
  }

  it('creates a plan with the whole layout and lists it for members only', async () => {
    const { c, organiser, ann, obs, out, plan } = await planIn('public');
    expect(plan).toMatchObject({
      coalitionId: c.id,
      status: 'draft',
      title: 'Protecting defenders',
      problem: '',
      baseline: '',
      objective: '',
      recommendationIds: c.recommendationIds,
      sdgTargets: [],
      actions: [],
      readOnly: false,
    });
    const listed = await obs.client.plans.list(c.id);
    expect(listed).toMatchObject({ total: 1, page: 1, items: [{ id: plan.id, status: 'draft' }] });
    expect((await apiError(out.client.plans.list(c.id))).status).toBe(403);
    expect((await apiError(out.client.plans.get(plan.id))).status).toBe(404);
    expect((await apiError(obs.client.plans.create(c.id, 'Mine'))).status).toBe(403);
    expect((await apiError(ann.client.plans.create(c.id, '  '))).body.code).toBe('VALIDATION');
    await ann.client.plans.update(plan.id, { title: 'Protecting defenders, 2027–2029' });
    const renamed = await organiser.client.plans.list(c.id);
    expect(renamed).toMatchObject({
      total: 1,
      items: [{ id: plan.id, title: 'Protecting defenders, 2027–2029' }],
    });
  });

  it('lets two people type into the same field at once: both converge, REST agrees', async () => {
    const { ann, bob, plan } = await planIn();
    const a = await editors.open(ann, plan.id);
    const b = await editors.open(bob, plan.id);
    expect(a.readOnly).toBe(false);
    expect(contentOf(a.doc).title).toBe('Protecting defenders');

    a.awareness.setLocalState({ user: { name: 'Ann' }, field: 'problem', cursor: 3 });
    // Both type into `problem` at the same moment, several keystrokes each.
    for (let i = 0; i < 10; i++) {
      text(a.plan, 'problem').insert(0, 'a');
      text(b.plan, 'problem').insert(text(b.plan, 'problem').length, 'b');
    }
    await Promise.all([a.flushed(), b.flushed()]);
    const expected = (s: string) =>
      s.length === 20 && s.split('a').length === 11 && s.split('b').length === 11;
    await until(a.doc, () => expected(text(a.plan, 'problem').toJSON()));
    await until(b.doc, () => expected(text(b.plan, 'problem').toJSON()));
    expect(text(a.plan, 'problem').toJSON()).toBe(text(b.plan, 'problem').toJSON());
    const rest = await ann.client.plans.get(plan.id);
    expect(contentOfView(rest)).toEqual(contentOf(a.doc));

    // Cursors: Ann's awareness state reached Bob.
    await new Promise<void>((resolve) => {
      const check = () => {
        const states = [...b.awareness.getStates().values()];
        if (states.some((s) => (s as { field?: string }).field === 'problem')) resolve();
      };
      b.awareness.on('change', check);
      check();
    });
  });

  it('applies REST edits as Yjs transactions that live editors see at once', async () => {
    const { ann, bob, organiser, plan } = await planIn();
    const live = await editors.open(bob, plan.id);
    text(live.plan, 'objective').insert(0, 'Safe civic space');
    await live.flushed();

    const patched = await ann.client.plans.update(plan.id, {
      problem: 'Defenders face reprisals',
      sdgTargets: ['16.10', '16.a'],
    });
    expect(patched.problem).toBe('Defenders face reprisals');
    const action = await ann.client.plans.addAction(plan.id, {
      title: 'Legal aid fund',
      status: 'limited',
      startDate: '2027-01-01',
      budget: 'EUR 40,000',
    });
    expect(action).toMatchObject({ title: 'Legal aid fund', status: 'limited', milestones: [] });
    const second = await ann.client.plans.addAction(plan.id, {
      title: 'Hotline',
      index: 0,
      leadOrganisationId: ann.organisationId,
      supportingOrganisationIds: [bob.organisationId, organiser.organisationId],
    });
    expect(second).toMatchObject({
      leadOrganisationId: ann.organisationId,
      supportingOrganisationIds: [bob.organisationId, organiser.organisationId],
    });
    const milestone = await ann.client.plans.addMilestone(plan.id, action.id, {
      title: 'Fund opens',
      due: '2027-03-01',
    });
    const indicator = await ann.client.plans.addIndicator(plan.id, action.id, {
      name: 'Defenders assisted',
      baseline: 0,
      target: 200,
      unit: 'people',
    });
    await ann.client.plans.editAction(plan.id, action.id, { endDate: '2027-12-31', budget: null });
    await ann.client.plans.editMilestone(plan.id, action.id, milestone.id, { status: 'completed' });
    await ann.client.plans.moveAction(plan.id, second.id, 5);

    await until(live.doc, () => {
      const actions = contentOf(live.doc).actions;
      return actions.length === 2 && actions[0].milestones[0]?.status === 'completed';
    });
    const view = await organiser.client.plans.get(plan.id);
    expect(contentOfView(view)).toEqual(contentOf(live.doc));
    expect(view.objective).toBe('Safe civic space');
    expect(view.actions.map((a) => a.id)).toEqual([action.id, second.id]);
    expect(view.actions[0]).toMatchObject({
      endDate: '2027-12-31',
      budget: null,
      indicators: [{ id: indicator.id, baseline: 0, target: 200, unit: 'people' }],
    });

    await ann.client.plans.removeIndicator(plan.id, action.id, indicator.id);
    await ann.client.plans.removeAction(plan.id, second.id);
    await until(live.doc, () => contentOf(live.doc).actions.length === 1);
    expect(contentOf(live.doc).actions[0].indicators).toEqual([]);
  });

  it('refuses bad REST input with the field named, and unknown items with 404', async () => {
    const { ann, plan } = await planIn();
    const cases: [Promise<unknown>, string][] = [
      [ann.client.plans.update(plan.id, { sdgTargets: ['99.9'] }), 'sdgTargets'],
      [ann.client.plans.update(plan.id, { recommendationIds: [NO_SUCH_ID] }), 'recommendationIds'],
      [ann.client.plans.addAction(plan.id, { title: 'x', startDate: '2027-02-30' }), 'startDate'],
      [ann.client.plans.addAction(plan.id, { title: 'x', status: 'done' as never }), 'status'],
      [ann.client.plans.addAction(plan.id, { title: '' }), 'title'],
      [ann.client.plans.update(plan.id, { title: 'x'.repeat(301) }), 'title'],
      [
        ann.client.plans.addAction(plan.id, { title: 'x', leadOrganisationId: NO_SUCH_ID }),
        'leadOrganisationId',
      ],
      [
        ann.client.plans.addAction(plan.id, {
          title: 'x',
          supportingOrganisationIds: [ann.organisationId, NO_SUCH_ID],
        }),
        'supportingOrganisationIds',
      ],
    ];
    for (const [request, field] of cases) {
      const error = await apiError(request);
      expect(error.status).toBe(400);
      expect(error.body.message).toContain(field);
    }
    expect(
      (await apiError(ann.client.plans.editAction(plan.id, 'nope', { title: 'x' }))).status,
    ).toBe(404);
    expect((await apiError(ann.client.plans.get(NO_SUCH_ID))).status).toBe(404);
    expect((await apiError(ann.client.plans.get('not-an-id'))).status).toBe(404);
    const after = await ann.client.plans.get(plan.id);
    expect(contentOfView(after)).toEqual(contentOfView(plan));
  });

  it('gives observers a read-only copy and outsiders nothing', async () => {
    const { ann, obs, out, plan } = await planIn('public');
    const reader = await editors.open(obs, plan.id);
    expect(reader.readOnly).toBe(true);
    const before = (await ann.client.plans.get(plan.id)).seq;
    text(reader.plan, 'problem').insert(0, 'observer was here');
    const refusal = await socketError(reader.flushed());
    expect(refusal.code).toBe('FORBIDDEN');
    expect((await apiError(obs.client.plans.update(plan.id, { problem: 'x' }))).status).toBe(403);
    const stored = await ann.client.plans.get(plan.id);
    expect(stored.problem).toBe('');
    expect(stored.seq).toBe(before);

    // Observers still see others' edits live.
    const writer = await editors.open(ann, plan.id);
    text(writer.plan, 'problem').insert(0, 'from Ann');
    // (The observer's own refused edit stays in its copy only.)
    await until(reader.doc, () => text(reader.plan, 'problem').toJSON().includes('from Ann'));

    const outsider = editors.session(out, plan.id);
    expect((await socketError(outsider.open())).code).toBe('NOT_FOUND');
    const direct = await kit.open(out);
    const sneaky = await emitAck(direct, 'plan:update', {
      planId: plan.id,
      update: Y.encodeStateAsUpdate(new Y.Doc()),
    });
    expect(sneaky.error?.code).toBe('FORBIDDEN'); // never opened, so never listening
    const awareness = await emitAck(direct, 'plan:awareness', {
      planId: plan.id,
      update: new Uint8Array([0]),
    });
    expect(awareness.error?.code).toBe('FORBIDDEN');
  });

  it('refuses oversized, malformed and out-of-shape updates and stores none of them', async () => {
    const { ann, plan } = await planIn();
    const session = await editors.open(ann, plan.id);
    const seq = (await ann.client.plans.get(plan.id)).seq;

    // Each bad update is made on a fresh copy (an update carries every deletion of its document).
    const capture = (edit: (plan: Y.Map<unknown>) => void) => {
      const replica = new Y.Doc();
      Y.applyUpdate(replica, Y.encodeStateAsUpdate(session.doc));
      const before = Y.encodeStateVector(replica);
      replica.transact(() => edit(replica.getMap('plan')));
      return Y.encodeStateAsUpdate(replica, before);
    };
    const big = capture((p) => text(p, 'problem').insert(0, 'x'.repeat(50_000)));
    expect((await socketError(session.sendRaw(big))).code).toBe('PAYLOAD_TOO_LARGE');
    const garbage = new Uint8Array([1, 2, 3, 250, 251, 252, 253]);
    expect((await socketError(session.sendRaw(garbage))).code).toBe('VALIDATION');
    const notBinary = await socketError(session.sendRaw('hello' as never));
    expect(notBinary.code).toBe('VALIDATION');
    expect(notBinary.message).toContain('update');
    const outOfShape = capture((p) => p.set('title', 'a plain string'));
    const shape = await socketError(session.sendRaw(outOfShape));
    expect(shape.code).toBe('VALIDATION');
    expect(shape.message).toMatch(/created by the server/);
    const badStatus = capture((p) => actionsOf(p).push([new Y.Map()]));
    expect((await socketError(session.sendRaw(badStatus))).message).toMatch(/needs id/);

    const badVector = await emitAck(await kit.open(ann), 'plan:open', {
      planId: plan.id,
      stateVector: new Uint8Array([255, 255, 255]),
    });
    expect(badVector.error).toMatchObject({ code: 'VALIDATION' });
    expect(badVector.error?.message).toContain('stateVector');

    const after = await ann.client.plans.get(plan.id);
    expect(after.seq).toBe(seq);
    expect(contentOfView(after)).toEqual(contentOfView(plan));
    // The socket still works.
    text(session.plan, 'objective').insert(0, 'still here');
    await session.flushed();
    expect((await ann.client.plans.get(plan.id)).objective).toBe('still here');
  });

  it('answers a retried update as stored once', async () => {
    const { ann, plan } = await planIn();
    const session = await editors.open(ann, plan.id);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(session.doc));
    const before = Y.encodeStateVector(replica);
    text(replica.getMap('plan'), 'problem').insert(0, 'once');
    const update = Y.encodeStateAsUpdate(replica, before);
    const first = await session.sendRaw(update);
    const again = await session.sendRaw(update);
    expect(first.stored).toBe(true);
    expect(again).toEqual({ planId: plan.id, seq: first.seq, stored: false });
    expect((await ann.client.plans.get(plan.id)).problem).toBe('once');
  });

  it('takes a removed member out of the plan and makes a demoted one read-only at once', async () => {
    const { organiser, ann, bob, c, plan } = await planIn();
    const annSession = await editors.open(ann, plan.id);
    const bobSession = await editors.open(bob, plan.id);
    const closed = new Promise((resolve) =>
      annSession.realtime.socket.once('plan:closed', resolve),
    );
    await organiser.client.coalitions.removeMember(c.id, ann.user.id);
    expect(await closed).toEqual({ planId: plan.id, reason: 'membership_ended' });
    // The session closes itself: read-only, saying why, sending nothing more.
    expect(annSession.closedReason).toBe('membership_ended');
    expect(annSession.readOnly).toBe(true);
    text(annSession.plan, 'problem').insert(0, 'after removal');
    await annSession.flushed();
    const refusal = await socketError(
      annSession.realtime.request('plan:update', {
        planId: plan.id,
        update: Y.encodeStateAsUpdate(annSession.doc),
      }),
    );
    expect(refusal.code).toBe('FORBIDDEN');

    const access = new Promise((resolve) =>
      bobSession.realtime.socket.once('plan:access', resolve),
    );
    await organiser.client.coalitions.changeRole(c.id, bob.user.id, 'observer');
    expect(await access).toMatchObject({ planId: plan.id, role: 'observer', readOnly: true });
    expect(bobSession.readOnly).toBe(true);
    text(bobSession.plan, 'problem').insert(0, 'after demotion');
    expect((await socketError(bobSession.flushed())).code).toBe('FORBIDDEN');
    // What it holds now the plan will not take: it stops sending, and says so.
    expect(bobSession.diverged).toBe(true);
    expect((await organiser.client.plans.get(plan.id)).problem).toBe('');
  });

  it('refuses live updates naming organisations or recommendations outside the coalition', async () => {
    const { ann, bob, out, plan } = await planIn();
    const action = await ann.client.plans.addAction(plan.id, { title: 'Train judges' });
    const outsiderOrganisation = out.organisationId;
    const cases: [string, (session: PlanSession) => void][] = [
      [
        'organisations',
        (s) => actionsOf(s.plan).get(0).set('leadOrganisationId', outsiderOrganisation),
      ],
      [
        'organisations',
        (s) =>
          (actionsOf(s.plan).get(0).get('supportingOrganisationIds') as Y.Array<string>).push([
            outsiderOrganisation,
          ]),
      ],
      [
        'recommendations',
        (s) => (s.plan.get('recommendationIds') as Y.Array<string>).push([NO_SUCH_ID]),
      ],
    ];
    for (const [named, edit] of cases) {
      const session = await editors.open(ann, plan.id);
      edit(session);
      const refusal = await socketError(session.flushed());
      expect(refusal.code).toBe('VALIDATION');
      expect(refusal.message).toContain(named);
      expect(session.diverged).toBe(true);
    }
    // A member's organisation is named, and stored.
    const session = await editors.open(bob, plan.id);
    actionsOf(session.plan).get(0).set('leadOrganisationId', bob.organisationId);
    await session.flushed();
    const stored = await ann.client.plans.get(plan.id);
    expect(stored.actions.find((a) => a.id === action.id)).toMatchObject({
      leadOrganisationId: bob.organisationId,
      supportingOrganisationIds: [],
    });
    expect(stored.recommendationIds).not.toContain(NO_SUCH_ID);
  });

  it('sends what changed while offline in parts when it is more than one update carries', async () => {
    const { ann, plan } = await planIn();
    const session = await editors.open(ann, plan.id);
    const socket = session.realtime.socket;
    socket.disconnect();
    // Three long texts (24 KB each in UTF-8), written apart: 72 KB together.
    const long = (char: string) => char.repeat(8_000);
    text(session.plan, 'problem').insert(0, long('问'));
    text(session.plan, 'baseline').insert(0, long('题'));
    text(session.plan, 'objective').insert(0, long('目'));
    await session.flushed().catch(() => undefined); // sent while offline: not acknowledged
    const opened = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.connect();
    await opened;
    let stored = await ann.client.plans.get(plan.id);
    for (let i = 0; i < 100 && stored.objective.length < 8_000; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stored = await ann.client.plans.get(plan.id);
    }
    expect([stored.problem, stored.baseline, stored.objective]).toEqual([
      long('问'),
      long('题'),
      long('目'),
    ]);
    expect(session.diverged).toBe(false);
    await session.flushed();
  });

  it('syncs an offline copy both ways when it opens', async () => {
    const { ann, bob, plan } = await planIn();
    const a = await editors.open(ann, plan.id);
    // Bob edits a copy made earlier, offline, while Ann edits live.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(a.doc));
    text(offline.getMap('plan'), 'objective').insert(0, 'written offline');
    text(a.plan, 'problem').insert(0, 'written live');
    await a.flushed();
    const b = editors.session(bob, plan.id, offline);
    await b.open();
    await b.flushed();
    expect(contentOf(b.doc)).toMatchObject({
      problem: 'written live',
      objective: 'written offline',
    });
    await until(a.doc, () => text(a.plan, 'objective').toJSON() === 'written offline');
    const rest = await ann.client.plans.get(plan.id);
    expect(contentOfView(rest)).toEqual(contentOf(a.doc));
  });
});
