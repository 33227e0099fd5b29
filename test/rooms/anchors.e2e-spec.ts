// A comment's anchor names something of its own coalition: one of its recommendations, or one of
// its action plans (a section of it). Anything else, another coalition's plan above all, is
// refused with VALIDATION naming anchor.id, and nothing is stored.
import type { ErrorBody, RoomComment } from '@accord/client';
import { NO_SUCH_ID, ok, refused, RoomKit } from '../support/rooms';
import { emitAck } from '../support/sockets';
import { startTestApp, type TestApp } from '../support/test-app';

type Anchor = { type: string; id: string; path?: string };

describe('comment anchors belong to the coalition', () => {
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

  it('takes anchors to its recommendations and plans, and refuses any other, over the socket and REST', async () => {
    const { c, organiser, ann } = await kit.room('private', { ann: 'member' });
    const elsewhere = await kit.room('private', {});
    const [ownPlan, otherPlan, otherRecommendation] = await Promise.all([
      organiser.client.plans.create(c.id, 'Our plan'),
      elsewhere.organiser.client.plans.create(elsewhere.c.id, 'Their plan'),
      organiser.client.recommendations.get('WP1515-49'),
    ]);
    const ownRecommendation = c.recommendationIds[0];
    expect(otherRecommendation.id).not.toBe(ownRecommendation);
    const a = await kit.enter(ann, c.id);
    const seqNow = async () => (await ann.client.coalitions.comments(c.id, { limit: 1 })).seq;

    const create = (anchor: Anchor, clientMsgId: string) =>
      emitAck<RoomComment>(a.socket, 'comment:create', {
        coalitionId: c.id,
        body: 'Anchored',
        clientMsgId,
        anchor,
      });
    const post = (anchor: Anchor) =>
      ann.client.raw<RoomComment & ErrorBody>('POST', `/coalitions/${c.id}/comments`, {
        body: { body: 'Anchored over REST', anchor },
      });

    // What the coalition has: accepted, stored as sent.
    const onRecommendation = await ok(
      create({ type: 'recommendation', id: ownRecommendation }, 'anchor-ok-1'),
    );
    expect(onRecommendation.anchor).toEqual({
      type: 'recommendation',
      id: ownRecommendation,
      path: null,
    });
    const onSection = await ok(
      create({ type: 'plan-section', id: ownPlan.id, path: 'actions.0.title' }, 'anchor-ok-2'),
    );
    expect(onSection.anchor).toEqual({
      type: 'plan-section',
      id: ownPlan.id,
      path: 'actions.0.title',
    });
    const overRest = await post({ type: 'plan-section', id: ownPlan.id, path: 'problem' });
    expect(overRest.status).toBe(201);
    expect(overRest.body.anchor).toEqual({ type: 'plan-section', id: ownPlan.id, path: 'problem' });

    const before = await seqNow();
    const refusedAnchors: [Anchor, string][] = [
      [
        { type: 'recommendation', id: otherRecommendation.id },
        "anchor.id must be one of this coalition's recommendations",
      ],
      [
        { type: 'recommendation', id: 'WP1515-55' },
        "anchor.id must be one of this coalition's recommendations",
      ],
      [
        { type: 'recommendation', id: NO_SUCH_ID },
        "anchor.id must be one of this coalition's recommendations",
      ],
      // Another coalition's plan: the same answer as for a plan that does not exist.
      [
        { type: 'plan-section', id: otherPlan.id, path: 'problem' },
        'anchor.id must be an action plan of this coalition',
      ],
      [
        { type: 'plan-section', id: NO_SUCH_ID, path: 'problem' },
        'anchor.id must be an action plan of this coalition',
      ],
      [
        { type: 'plan-section', id: 'not-an-id', path: 'problem' },
        'anchor.id must be an action plan of this coalition',
      ],
      // The kinds do not mix: a recommendation is no plan, a plan no recommendation.
      [
        { type: 'plan-section', id: ownRecommendation },
        'anchor.id must be an action plan of this coalition',
      ],
      [
        { type: 'recommendation', id: ownPlan.id },
        "anchor.id must be one of this coalition's recommendations",
      ],
    ];
    for (const [i, [anchor, message]] of refusedAnchors.entries()) {
      const error = await refused(create(anchor, `anchor-no-${i}`), 'VALIDATION', 'anchor.id');
      expect(error.message).toBe(message);
      const rest = await post(anchor);
      expect({ status: rest.status, body: rest.body }).toMatchObject({
        status: 400,
        body: { code: 'VALIDATION', message, details: [{ field: 'anchor.id', message }] },
      });
    }
    expect(await seqNow()).toBe(before);
    // Nothing was kept under a refused clientMsgId: sent again with a good anchor, it is new.
    const retried = await ok(
      create({ type: 'recommendation', id: ownRecommendation }, 'anchor-no-3'),
    );
    expect(retried.seq).toBe(before + 1);
  });
});
