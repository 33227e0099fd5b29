import { apiError } from '../support/helpers';
import { contentOf, contentOfView, Editors, text, until } from '../support/plans';
import { RoomKit } from '../support/rooms';
import { startTestApp, type TestApp } from '../support/test-app';

describe('action plans: versions, restore, changes, workflow and endorsements', () => {
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

  async function planIn() {
    const room = await kit.room('private', { ann: 'member', obs: 'observer', out: 'outsider' });
    const plan = await room.organiser.client.plans.create(room.c.id, 'Defenders plan');
    return { ...room, plan };
  }

  it('names versions, shows them, and restores one exactly as a new change on top', async () => {
    const { ann, obs, out, organiser, plan } = await planIn();
    await ann.client.plans.update(plan.id, { problem: 'Reprisals', sdgTargets: ['16.10'] });
    const fund = await ann.client.plans.addAction(plan.id, { title: 'Legal aid fund' });
    await ann.client.plans.addMilestone(plan.id, fund.id, {
      title: 'Fund opens',
      due: '2027-03-01',
    });
    await ann.client.plans.addIndicator(plan.id, fund.id, { name: 'Cases', target: 50 });
    await ann.client.plans.addAction(plan.id, { title: 'Hotline' });
    const v1 = await ann.client.plans.createVersion(plan.id, 'First draft');
    const atV1 = await ann.client.plans.get(plan.id);
    expect(v1).toMatchObject({ number: 1, name: 'First draft', seq: atV1.seq });

    // Much changes afterwards, partly live.
    const live = await editors.open(organiser, plan.id);
    text(live.plan, 'problem').insert(0, 'Severe ');
    await live.flushed();
    await ann.client.plans.update(plan.id, { title: 'Renamed', sdgTargets: ['5.a'] });
    await ann.client.plans.editAction(plan.id, fund.id, { status: 'completed', budget: 'EUR 5' });
    const third = await ann.client.plans.addAction(plan.id, { title: 'Training', index: 0 });
    await ann.client.plans.removeAction(plan.id, atV1.actions[1].id);
    await ann.client.plans.addMilestone(plan.id, fund.id, { title: 'Second milestone' });
    const v2 = await ann.client.plans.createVersion(plan.id, 'Second draft');
    expect(v2.number).toBe(2);

    const changes = await obs.client.plans.changes(plan.id, v1.id, v2.id);
    const summaries = changes.changes.map((c) => c.summary);
    expect(summaries).toEqual(
      expect.arrayContaining([
        'Title: “Defenders plan” → “Renamed”',
        'Problem: “Reprisals” → “Severe Reprisals”',
        'SDG targets: 16.10 → 5.a',
        'Action “Hotline” removed',
        'Action “Training” added at position 1',
        'Action “Legal aid fund”: status: “not_started” → “completed”',
        'Action “Legal aid fund”: budget: (empty) → “EUR 5”',
        'Action “Legal aid fund”: milestone “Second milestone” added at position 2',
      ]),
    );
    expect(changes.to?.id).toBe(v2.id);
    const toNow = await ann.client.plans.changes(plan.id, v2.id);
    expect(toNow).toMatchObject({ to: null, changes: [] });

    const listed = await obs.client.plans.versions(plan.id);
    expect(listed.items.map((v) => v.name)).toEqual(['Second draft', 'First draft']);
    const shown = await obs.client.plans.version(plan.id, v1.id);
    expect(shown.content).toEqual(contentOfView(atV1));

    // Restore v1: the plan's content equals v1 exactly; live editors see it; history is kept.
    expect((await apiError(obs.client.plans.restore(plan.id, v1.id))).status).toBe(403);
    expect((await apiError(out.client.plans.restore(plan.id, v1.id))).status).toBe(404);
    const restored = await ann.client.plans.restore(plan.id, v1.id);
    expect(contentOfView(restored)).toEqual(contentOfView(atV1));
    expect(restored.seq).toBeGreaterThan(atV1.seq);
    await until(live.doc, () => contentOf(live.doc).title === 'Defenders plan');
    expect(contentOf(live.doc)).toEqual(contentOfView(atV1));
    expect((await ann.client.plans.version(plan.id, v2.id)).content.actions[0].id).toBe(third.id);
    const back = await ann.client.plans.changes(plan.id, v1.id);
    expect(back.changes).toEqual([]);

    expect(
      (await apiError(ann.client.plans.createVersion(plan.id, ' first   DRAFT '))).status,
    ).toBe(409);
    expect((await apiError(obs.client.plans.createVersion(plan.id, 'Mine'))).status).toBe(403);
    expect((await apiError(ann.client.plans.version(plan.id, plan.id))).status).toBe(404);
  });

  it('moves through the workflow with endorsements; endorsed plans are frozen until reopened', async () => {
    const { c, ann, obs, organiser, plan } = await planIn();
    // Endorsing needs a review and a named version; only organisers move the workflow.
    expect(
      (await apiError(organiser.client.plans.endorse(plan.id, organiser.organisationId))).status,
    ).toBe(409);
    expect((await apiError(ann.client.plans.setStatus(plan.id, 'in_review'))).status).toBe(403);
    expect((await apiError(organiser.client.plans.setStatus(plan.id, 'published'))).status).toBe(
      409,
    );
    const review = await organiser.client.plans.setStatus(plan.id, 'in_review');
    expect(review.status).toBe('in_review');
    expect(
      (await apiError(organiser.client.plans.endorse(plan.id, organiser.organisationId))).body
        .message,
    ).toMatch(/Name a version/);
    await ann.client.plans.update(plan.id, { objective: 'Safer civic space' });
    const v1 = await ann.client.plans.createVersion(plan.id, 'For endorsement');
    expect(
      (await apiError(organiser.client.plans.setStatus(plan.id, 'endorsed'))).body.message,
    ).toMatch(/endorsements are missing or stale/);

    // Ann represents her own organisation; she cannot endorse for the organiser's.
    expect(
      (await apiError(ann.client.plans.endorse(plan.id, organiser.organisationId))).status,
    ).toBe(403);
    expect((await apiError(obs.client.plans.endorse(plan.id, obs.organisationId))).status).toBe(
      403,
    );
    const byOrganiser = await organiser.client.plans.endorse(plan.id, organiser.organisationId);
    expect(byOrganiser).toMatchObject({
      versionId: v1.id,
      versionName: 'For endorsement',
      stale: false,
    });
    const byAnn = await ann.client.plans.endorse(plan.id, ann.organisationId, v1.id);
    expect(byAnn.stale).toBe(false);
    expect((await ann.client.plans.endorse(plan.id, ann.organisationId, v1.id)).id).toBe(byAnn.id);

    // An edit after endorsement makes the endorsements stale; naming and endorsing again heals it.
    const live = await editors.open(ann, plan.id);
    text(live.plan, 'objective').insert(0, 'Much ');
    await live.flushed();
    const stale = await obs.client.plans.endorsements(plan.id);
    expect(stale.map((e) => e.stale)).toEqual([true, true]);
    expect((await apiError(organiser.client.plans.setStatus(plan.id, 'endorsed'))).status).toBe(
      409,
    );
    const v2 = await ann.client.plans.createVersion(plan.id, 'Final');
    await organiser.client.plans.endorse(plan.id, organiser.organisationId, v2.id);
    const endorsed = await organiser.client.plans.setStatus(plan.id, 'endorsed');
    expect(endorsed.status).toBe('endorsed');

    // Frozen: REST and live writes are refused; a session opened now is read-only.
    const frozen = await apiError(ann.client.plans.update(plan.id, { problem: 'late' }));
    expect(frozen.status).toBe(403);
    expect(frozen.body.message).toMatch(/endorsed/);
    const reopened = editors.session(ann, plan.id);
    await reopened.open();
    expect(reopened.readOnly).toBe(true);
    expect(reopened.status).toBe('endorsed');
    expect((await apiError(ann.client.plans.restore(plan.id, v1.id))).status).toBe(403);

    const published = await organiser.client.plans.setStatus(plan.id, 'published');
    expect(published.status).toBe('published');
    expect(
      (await apiError(organiser.client.plans.endorse(plan.id, organiser.organisationId))).status,
    ).toBe(409);
    await organiser.client.plans.setStatus(plan.id, 'draft');
    const edited = await ann.client.plans.update(plan.id, { problem: 'after reopening' });
    expect(edited).toMatchObject({ status: 'draft', problem: 'after reopening', readOnly: false });

    const audit = await organiser.client.coalitions.audit(c.id, { limit: 100 });
    const actions = audit.items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'plan.created',
        'plan.version.created',
        'plan.endorsed',
        'plan.status_changed',
      ]),
    );
    const moves = audit.items
      .filter((e) => e.action === 'plan.status_changed')
      .map((e) => `${String(e.data.from)}→${String(e.data.to)}`)
      .sort();
    expect(moves).toEqual([
      'draft→in_review',
      'endorsed→published',
      'in_review→endorsed',
      'published→draft',
    ]);
  });

  it('tells open editors of endorsements, and when the status moves, so they stop writing', async () => {
    const { ann, organiser, plan } = await planIn();
    const live = await editors.open(ann, plan.id);
    await organiser.client.plans.setStatus(plan.id, 'in_review');
    await ann.client.plans.createVersion(plan.id, 'v');
    const endorsed = new Promise((resolve) => live.realtime.socket.once('plan:endorsed', resolve));
    const endorsement = await organiser.client.plans.endorse(plan.id, organiser.organisationId);
    expect(await endorsed).toEqual({
      planId: plan.id,
      organisationId: organiser.organisationId,
      versionId: endorsement.versionId,
    });
    const status = new Promise((resolve) => live.realtime.socket.once('plan:status', resolve));
    await organiser.client.plans.setStatus(plan.id, 'endorsed');
    expect(await status).toEqual({ planId: plan.id, status: 'endorsed', frozen: true });
    expect(live.readOnly).toBe(true);
    text(live.plan, 'problem').insert(0, 'too late');
    await expect(live.flushed()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await organiser.client.plans.get(plan.id)).problem).toBe('');
  });
  it('lets open editors write again when a frozen plan is moved back to draft', async () => {
    const { ann, organiser, plan } = await planIn();
    const live = await editors.open(ann, plan.id);
    await organiser.client.plans.setStatus(plan.id, 'in_review');
    await ann.client.plans.createVersion(plan.id, 'v');
    await organiser.client.plans.endorse(plan.id, organiser.organisationId);
    await organiser.client.plans.setStatus(plan.id, 'endorsed');
    for (let i = 0; i < 100 && !live.readOnly; i++) await new Promise((r) => setTimeout(r, 20));
    expect(live.readOnly).toBe(true);

    await organiser.client.plans.setStatus(plan.id, 'draft');
    for (let i = 0; i < 100 && live.readOnly; i++) await new Promise((r) => setTimeout(r, 20));
    expect(live.status).toBe('draft');
    expect(live.readOnly).toBe(false);
    text(live.plan, 'problem').insert(0, 'written again');
    await live.flushed();
    expect((await organiser.client.plans.get(plan.id)).problem).toBe('written again');
  });
});
