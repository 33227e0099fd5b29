// Live plans across two Accord processes (the built server) on one engine, joined by a real
// redis-server: editors on either node converge with each other and with REST on both nodes,
// cursors cross nodes, what one node stored is what the other serves, a removal made through
// one node closes the plan on the other (and takes the cursor away), and an update acknowledged
// by one node while Redis is away survives the other node's compaction of the log.
import { randomBytes } from 'node:crypto';
import { AccordClient } from '@accord/client';
import { MongoClient, ObjectId } from 'mongodb';
import * as Y from 'yjs';
import { createOrganisation, registerUser, type TestUser } from '../support/factories';
import { apiError } from '../support/helpers';
import { contentOf, contentOfView, Editors, socketError, text, until } from '../support/plans';
import {
  type AccordNodeOptions,
  at,
  startAccordNode,
  startRedis,
  type RunningProcess,
  url,
} from '../support/processes';
import { freshDatabaseUri } from '../support/test-app';

jest.setTimeout(60_000);

/** A document's state vector as a plain object (client id → clock), for comparisons. */
function stateOf(doc: Y.Doc): Record<string, number> {
  const vector = Y.decodeStateVector(Y.encodeStateVector(doc));
  return Object.fromEntries([...vector].sort(([a], [b]) => a - b).map(([k, v]) => [k, v]));
}

/** Polls `check` until it holds (a wait with a timeout, never a timing assertion). */
async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Deployment {
  redis: RunningProcess;
  nodeA: RunningProcess;
  nodeB: RunningProcess;
  organiser: TestUser;
  /** Members of the coalition, by display name. */
  people: Record<string, TestUser>;
  coalitionId: string;
  /** How the nodes were started (to start more, or again). */
  options: AccordNodeOptions;
}

/**
 * A redis-server, two Accord nodes on a fresh database (shared secrets), an organiser and
 * members (each with an organisation of their own) of one private coalition.
 */
async function deploy(names: string[], env: Record<string, string> = {}): Promise<Deployment> {
  const redis = await startRedis();
  const options: AccordNodeOptions = {
    mongodbUri: freshDatabaseUri('accord_plan_two_nodes'),
    redisUrl: `redis://127.0.0.1:${redis.port}`,
    secrets: {
      jwtAccess: randomBytes(32).toString('hex'),
      jwtRefresh: randomBytes(32).toString('hex'),
      audit: randomBytes(32).toString('hex'),
    },
    env,
  };
  const [nodeA, nodeB] = await Promise.all([startAccordNode(options), startAccordNode(options)]);
  const api = new AccordClient({ baseUrl: url(nodeA) });
  const organiser = await registerUser(api, { displayName: 'Organiser' });
  const members = await Promise.all(names.map((displayName) => registerUser(api, { displayName })));
  const org = await createOrganisation(organiser, { stakeholderType: 'ngo' });
  const recommendationId = (await organiser.client.recommendations.get('WP1515-55')).id;
  const c = await organiser.client.coalitions.create({
    name: `Plans on two nodes ${randomBytes(3).toString('hex')}`,
    purpose: 'Co-author across nodes',
    visibility: 'private',
    recommendationIds: [recommendationId],
    organisationId: org.id,
  });
  for (const user of members) {
    const own = await createOrganisation(user, { stakeholderType: 'state' });
    const inv = await organiser.client.coalitions.invite(c.id, {
      email: user.email,
      role: 'member',
      organisationId: own.id,
    });
    await user.client.invitations.accept(inv.token);
  }
  const people = Object.fromEntries(names.map((name, i) => [name, members[i]]));
  return { redis, nodeA, nodeB, organiser, people, coalitionId: c.id, options };
}

describe('action plans on two Accord nodes with Redis (real processes)', () => {
  let redis: RunningProcess;
  let nodeA: RunningProcess;
  let nodeB: RunningProcess;
  const editors = new Editors();

  let organiser: TestUser;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dan: TestUser;
  let erin: TestUser;
  let finn: TestUser;
  let coalitionId: string;

  beforeAll(async () => {
    let people: Record<string, TestUser>;
    ({ redis, nodeA, nodeB, organiser, people, coalitionId } = await deploy([
      'Ann',
      'Bob',
      'Carol',
      'Dan',
      'Erin',
      'Finn',
    ]));
    ({ Ann: ann, Bob: bob, Carol: carol, Dan: dan, Erin: erin, Finn: finn } = people);
  });

  afterEach(() => {
    editors.closeAll();
  });

  afterAll(async () => {
    editors.closeAll();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await redis?.stop();
  });

  /** A new plan, created through node A's REST API. */
  async function newPlan(title: string): Promise<string> {
    return (await at(nodeA, organiser).client.plans.create(coalitionId, title)).id;
  }

  /** Fails with both nodes' logs attached (LOG_LEVEL is warn for spawned nodes). */
  async function withLogs<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\n--- node A:\n${nodeA.output().slice(-3000)}\n--- node B:\n${nodeB.output().slice(-3000)}`,
        { cause: error },
      );
    }
  }

  it('editors on both nodes type at once, with REST edits through each node: all converge', async () => {
    const planId = await newPlan('Protecting defenders');
    const a = await editors.open(at(nodeA, ann), planId);
    const b = await editors.open(at(nodeB, bob), planId);
    const c = await editors.open(at(nodeB, carol), planId);
    const sessions = [a, b, c];

    // Everyone types into the same field at the same time, one update per keystroke; REST edits
    // go through node A and node B in the middle of it.
    const rest: Promise<unknown>[] = [];
    for (let i = 0; i < 15; i++) {
      text(a.plan, 'problem').insert(0, 'a');
      text(b.plan, 'problem').insert(text(b.plan, 'problem').length, 'b');
      text(c.plan, 'problem').insert(Math.floor(text(c.plan, 'problem').length / 2), 'c');
      text(b.plan, 'objective').insert(0, 'o');
      if (i === 3) rest.push(at(nodeA, ann).client.plans.update(planId, { sdgTargets: ['16.10'] }));
      if (i === 7) rest.push(at(nodeB, bob).client.plans.addAction(planId, { title: 'Hotline' }));
      if (i === 10)
        rest.push(at(nodeB, carol).client.plans.update(planId, { baseline: '12 cases' }));
      await new Promise((r) => setTimeout(r, 10));
    }
    await withLogs(Promise.all([...sessions.map((s) => s.flushed()), ...rest]));
    const action = (await rest[1]) as { id: string };
    await at(nodeA, organiser).client.plans.addMilestone(planId, action.id, {
      title: 'Line opens',
      due: '2027-05-01',
    });

    const complete = (doc: Y.Doc) => {
      const content = contentOf(doc);
      return (
        content.problem.length === 45 &&
        content.objective.length === 15 &&
        content.baseline === '12 cases' &&
        content.sdgTargets.length === 1 &&
        content.actions[0]?.milestones.length === 1
      );
    };
    await withLogs(
      eventually(
        () =>
          sessions.every((s) => complete(s.doc)) &&
          sessions.every((s) => JSON.stringify(stateOf(s.doc)) === JSON.stringify(stateOf(a.doc))),
        'every editor holding every edit',
      ),
    );
    const content = contentOf(a.doc);
    for (const s of sessions) expect(contentOf(s.doc)).toEqual(content);
    expect(content.problem.split('').sort().join('')).toBe(
      'a'.repeat(15) + 'b'.repeat(15) + 'c'.repeat(15),
    );
    const [viewA, viewB] = await Promise.all([
      at(nodeA, organiser).client.plans.get(planId),
      at(nodeB, organiser).client.plans.get(planId),
    ]);
    expect(contentOfView(viewA)).toEqual(content);
    expect(contentOfView(viewB)).toEqual(content);
    expect(viewA.seq).toBe(viewB.seq);
  });

  it('carries cursors (awareness) from node A to node B and back, and removes them on leave', async () => {
    const planId = await newPlan('Cursors');
    const a = await editors.open(at(nodeA, ann), planId);
    const b = await editors.open(at(nodeB, bob), planId);
    const annCursor = { user: { name: 'Ann' }, cursor: { field: 'problem', index: 3 } };
    a.awareness.setLocalState(annCursor);
    await withLogs(
      eventually(
        () =>
          JSON.stringify(b.awareness.getStates().get(a.doc.clientID)) === JSON.stringify(annCursor),
        "Ann's cursor (node A) reaching Bob (node B)",
      ),
    );
    const bobCursor = { user: { name: 'Bob' }, cursor: { field: 'objective', index: 0 } };
    b.awareness.setLocalState(bobCursor);
    await withLogs(
      eventually(
        () =>
          JSON.stringify(a.awareness.getStates().get(b.doc.clientID)) === JSON.stringify(bobCursor),
        "Bob's cursor (node B) reaching Ann (node A)",
      ),
    );
    // Someone who opens the plan on node B later gets Ann's cursor with the open.
    const late = await editors.open(at(nodeB, carol), planId);
    expect(late.awareness.getStates().get(a.doc.clientID)).toEqual(annCursor);
    // Ann leaves on node A: her cursor goes away on node B.
    await a.close();
    await withLogs(
      eventually(
        () => !b.awareness.getStates().has(a.doc.clientID),
        "Ann's cursor removed on node B after she left on node A",
      ),
    );
  });

  it('serves on node A what was stored through node B, whether or not node A held the plan', async () => {
    // Node A has never loaded this plan: the first open there reads it from the log.
    const planId = await newPlan('Stored on B');
    const b = await editors.open(at(nodeB, bob), planId);
    text(b.plan, 'problem').insert(0, 'written on B');
    await b.flushed();
    const a = await editors.open(at(nodeA, ann), planId);
    expect(contentOf(a.doc)).toEqual(contentOf(b.doc));
    a.dispose();

    // Now node A holds it (it just served it): each update acknowledged by node B is in what
    // node A answers right after the ack, to a new session and to REST.
    for (let round = 0; round < 5; round++) {
      text(b.plan, 'objective').insert(text(b.plan, 'objective').length, `${round}`);
      await b.flushed();
      const view = await at(nodeA, organiser).client.plans.get(planId);
      expect(view.objective).toBe(text(b.plan, 'objective').toJSON());
      expect(view.seq).toBe(b.seq);
      const reader = await editors.open(at(nodeA, carol), planId);
      expect(contentOf(reader.doc)).toEqual(contentOf(b.doc));
      expect(stateOf(reader.doc)).toEqual(stateOf(b.doc));
      reader.dispose();
    }
  });

  it('a removal made through node A closes the plan on node B and refuses later updates', async () => {
    const planId = await newPlan('Removal');
    const d = await editors.open(at(nodeB, dan), planId);
    const b = await editors.open(at(nodeB, bob), planId);
    const witness = await editors.open(at(nodeB, carol), planId);
    const a = await editors.open(at(nodeA, ann), planId);
    text(d.plan, 'problem').insert(0, 'before removal. ');
    await d.flushed();
    await until(a.doc, () => text(a.plan, 'problem').toJSON() === 'before removal. ');

    const closed = new Promise((resolve) => d.realtime.socket.once('plan:closed', resolve));
    await at(nodeA, organiser).client.coalitions.removeMember(coalitionId, dan.user.id);
    expect(await withLogs(closed)).toEqual({ planId, reason: 'membership_ended' });

    // His session closes itself (it sends nothing more); an update sent anyway through node B
    // is refused, and nothing of it is stored or relayed.
    expect(d.closedReason).toBe('membership_ended');
    text(d.plan, 'problem').insert(0, 'after removal ');
    await d.flushed();
    const refusal = await socketError(
      d.realtime.request('plan:update', { planId, update: Y.encodeStateAsUpdate(d.doc) }),
    );
    expect(['FORBIDDEN', 'NOT_FOUND']).toContain(refusal.code);
    expect((await socketError(d.open())).code).toBe('NOT_FOUND');
    expect((await apiError(at(nodeB, dan).client.plans.get(planId))).status).toBe(404);
    // Others go on editing; their changes no longer reach him (a socket on his node, which
    // got it, is the witness).
    text(b.plan, 'objective').insert(0, 'still editing');
    await b.flushed();
    await until(a.doc, () => text(a.plan, 'objective').toJSON() === 'still editing');
    await until(witness.doc, () => text(witness.plan, 'objective').toJSON() === 'still editing');
    expect(text(d.plan, 'objective').toJSON()).toBe('');
    for (const node of [nodeA, nodeB]) {
      const view = await at(node, organiser).client.plans.get(planId);
      expect(view.problem).toBe('before removal. ');
      expect(view.objective).toBe('still editing');
    }
    expect(text(a.plan, 'problem').toJSON()).toBe('before removal. ');
    expect(text(b.plan, 'problem').toJSON()).toBe('before removal. ');
  });

  describe("a removed member's cursor leaves with them", () => {
    /** `who` has the plan open on `theirNode` with a cursor Bob (node B) sees; A removes them. */
    async function removeWithCursor(who: TestUser, theirNode: RunningProcess) {
      const planId = await newPlan('Cursor of a removed member');
      const b = await editors.open(at(nodeB, bob), planId);
      const gone = await editors.open(at(theirNode, who), planId);
      gone.awareness.setLocalState({ user: { name: 'Leaving' }, cursor: { field: 'problem' } });
      await withLogs(
        eventually(() => b.awareness.getStates().has(gone.doc.clientID), 'the cursor reaching Bob'),
      );
      const closed = new Promise((resolve) => gone.realtime.socket.once('plan:closed', resolve));
      await at(nodeA, organiser).client.coalitions.removeMember(coalitionId, who.user.id);
      await withLogs(closed);
      return { b, client: gone.doc.clientID };
    }

    it('when their socket is on the node that made the removal', async () => {
      const { b, client } = await removeWithCursor(erin, nodeA);
      await withLogs(
        eventually(() => !b.awareness.getStates().has(client), 'the cursor removed for Bob'),
      );
    });

    it('when their socket is on the other node', async () => {
      const { b, client } = await removeWithCursor(finn, nodeB);
      await withLogs(
        eventually(() => !b.awareness.getStates().has(client), 'the cursor removed for Bob', 5000),
      );
    });
  });
});

describe('action plans on two nodes through a Redis outage (PLAN_IDLE_SECONDS=1)', () => {
  let d: Deployment;
  let mongo: MongoClient;
  const editors = new Editors();

  beforeAll(async () => {
    d = await deploy(['Ann', 'Bob'], { PLAN_IDLE_SECONDS: '1' });
    mongo = await MongoClient.connect(d.options.mongodbUri);
  });

  afterEach(() => {
    editors.closeAll();
  });

  afterAll(async () => {
    editors.closeAll();
    await Promise.all([d?.nodeA.stop(), d?.nodeB.stop()]);
    await d?.redis.stop();
    await mongo?.close();
  });

  /** The plan's stored log: the seq of each update record and of each snapshot. */
  async function logOf(planId: string): Promise<{ updates: number[]; snapshots: number[] }> {
    const db = mongo.db();
    const filter = { planId: new ObjectId(planId) };
    const seqs = async (collection: string) =>
      (
        await db.collection<{ seq: number }>(collection).find(filter).sort({ seq: 1 }).toArray()
      ).map((r) => r.seq);
    return { updates: await seqs('plan_updates'), snapshots: await seqs('plan_snapshots') };
  }

  async function healthy(node: RunningProcess, status: number): Promise<void> {
    const deadline = Date.now() + 20_000;
    while ((await fetch(`${url(node)}/api/health`)).status !== status) {
      if (Date.now() > deadline) throw new Error(`node ${node.port}: health never ${status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('keeps an update acknowledged by node B after node A compacted the plan while Redis was away', async () => {
    const { nodeA, nodeB, organiser } = d;
    const { Ann: ann, Bob: bob } = d.people;
    const planId = (await at(nodeA, organiser).client.plans.create(d.coalitionId, 'Outage')).id;
    const a = await editors.open(at(nodeA, ann), planId);
    const b = await editors.open(at(nodeB, bob), planId);
    text(a.plan, 'problem').insert(0, 'before. ');
    await a.flushed();
    await until(b.doc, () => text(b.plan, 'problem').toJSON() === 'before. ');

    const port = d.redis.port;
    await d.redis.stop();
    await Promise.all([healthy(nodeA, 503), healthy(nodeB, 503)]);
    // Ann writes through node A; idle for PLAN_IDLE_SECONDS, node A folds the log into a snapshot.
    text(a.plan, 'objective').insert(0, 'from A');
    await a.flushed();
    const annSeq = a.seq;
    let log = await logOf(planId);
    const deadline = Date.now() + 15_000;
    while (log.snapshots.at(-1) !== annSeq || log.updates.some((seq) => seq <= annSeq)) {
      if (Date.now() > deadline) throw new Error(`node A did not compact: ${JSON.stringify(log)}`);
      await new Promise((r) => setTimeout(r, 100));
      log = await logOf(planId);
    }
    // Bob writes through node B (which missed Ann's update: no relay while Redis is away), and
    // node B acknowledges it: it is stored.
    text(b.plan, 'problem').insert(text(b.plan, 'problem').length, 'from B');
    await b.flushed();
    const afterAck = await logOf(planId);

    d.redis = await startRedis(port);
    await Promise.all([healthy(nodeA, 200), healthy(nodeB, 200)]);
    editors.closeAll();
    // A (graceful) restart of both nodes: the plan is read from storage only.
    await Promise.all([nodeA.stop(), nodeB.stop()]);
    [d.nodeA, d.nodeB] = await Promise.all([
      startAccordNode(d.options),
      startAccordNode(d.options),
    ]);
    const view = await at(d.nodeA, organiser).client.plans.get(planId);
    const detail = `Ann's update: seq ${annSeq}; Bob's ack: seq ${b.seq}; log after Bob's ack: ${JSON.stringify(afterAck)}; log now: ${JSON.stringify(await logOf(planId))}`;
    expect({ problem: view.problem, objective: view.objective, detail }).toEqual({
      problem: 'before. from B',
      objective: 'from A',
      detail,
    });
  });
});
