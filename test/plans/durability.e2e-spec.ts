// Durability of live plans against the built server in a child process: an acknowledged update
// is stored before its ack, so a SIGKILL (no shutdown hook, no final snapshot) right after the
// acks loses nothing; compaction (by count and when idle) and a document leaving memory change
// nothing of what a plan loads as. The stored log is read (and once written) with the `mongodb`
// driver on the node's own database.
import { randomBytes } from 'node:crypto';
import { AccordClient, type PlanSession } from '@accord/client';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import * as Y from 'yjs';
import { createOrganisation, registerUser, type TestUser } from '../support/factories';
import { actionsOf, contentOf, contentOfView, Editors, text, until } from '../support/plans';
import { at, startAccordNode, type RunningProcess, url } from '../support/processes';
import { freshDatabaseUri } from '../support/test-app';

jest.setTimeout(80_000);

/** One document holding everything the given documents hold. */
function merged(...docs: Y.Doc[]): Y.Doc {
  const doc = new Y.Doc();
  for (const d of docs) Y.applyUpdate(doc, Y.encodeStateAsUpdate(d));
  return doc;
}

/** A document's state vector as a plain object (client id → clock), for comparisons. */
function stateOf(doc: Y.Doc): Record<string, number> {
  const vector = Y.decodeStateVector(Y.encodeStateVector(doc));
  return Object.fromEntries([...vector].sort(([a], [b]) => a - b).map(([k, v]) => [k, v]));
}

/** Types `chars` one keystroke (one update, one ack) at a time, at pseudo-random places. */
function typeInto(field: Y.Text, chars: string, seed: number): void {
  let x = seed;
  for (const ch of chars) {
    x = (x * 1103515245 + 12345) % 2147483648;
    field.insert(x % (field.length + 1), ch);
  }
}

/** Polls `check` until it holds (a wait with a timeout, never a timing assertion). */
async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error as Error;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${last.message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface LogState {
  updates: { seq: number }[];
  snapshots: { seq: number }[];
}

describe('action plans survive a killed process (real server processes)', () => {
  const mongodbUri = freshDatabaseUri('accord_plan_durability');
  const secrets = {
    jwtAccess: randomBytes(32).toString('hex'),
    jwtRefresh: randomBytes(32).toString('hex'),
    audit: randomBytes(32).toString('hex'),
  };
  const editors = new Editors();
  const nodes: RunningProcess[] = [];
  let mongo: MongoClient;
  let db: Db;

  let organiser: TestUser;
  let ann: TestUser;
  let bob: TestUser;
  let coalitionId: string;

  async function start(env: Record<string, string> = {}): Promise<RunningProcess> {
    const node = await startAccordNode({ mongodbUri, secrets, env });
    nodes.push(node);
    return node;
  }

  /** SIGKILL: no graceful shutdown, no flush, no last snapshot. */
  async function killHard(node: RunningProcess): Promise<void> {
    await node.kill('SIGKILL');
    expect((await node.exited).signal).toBe('SIGKILL');
  }

  /** What the plan's log holds on the engine now. */
  async function logOf(planId: string): Promise<LogState> {
    const planObjectId = new ObjectId(planId);
    const [updates, snapshots] = await Promise.all([
      db
        .collection<{ seq: number }>('plan_updates')
        .find({ planId: planObjectId }, { projection: { seq: 1 } })
        .sort({ seq: 1 })
        .toArray(),
      db
        .collection<{ seq: number }>('plan_snapshots')
        .find({ planId: planObjectId }, { projection: { seq: 1 } })
        .sort({ seq: 1 })
        .toArray(),
    ]);
    return { updates, snapshots };
  }

  /** A new plan in the team's coalition, made through `node`. */
  async function newPlan(node: RunningProcess, title: string): Promise<string> {
    return (await at(node, organiser).client.plans.create(coalitionId, title)).id;
  }

  /**
   * What `node` serves for the plan: the REST projection and a new session's document agree
   * with each other and with `expected` (content and, for the document, every Yjs client clock).
   */
  async function expectServed(
    node: RunningProcess,
    planId: string,
    expected: Y.Doc,
  ): Promise<PlanSession> {
    const view = await at(node, organiser).client.plans.get(planId);
    const reader = await editors.open(at(node, organiser), planId);
    expect(contentOf(reader.doc)).toEqual(contentOf(expected));
    expect(stateOf(reader.doc)).toEqual(stateOf(expected));
    expect(contentOfView(view)).toEqual(contentOf(expected));
    return reader;
  }

  beforeAll(async () => {
    mongo = await MongoClient.connect(mongodbUri);
    db = mongo.db();
    const node = await start();
    const api = new AccordClient({ baseUrl: url(node) });
    organiser = await registerUser(api, { displayName: 'Organiser' });
    ann = await registerUser(api, { displayName: 'Ann' });
    bob = await registerUser(api, { displayName: 'Bob' });
    const org = await createOrganisation(organiser, { stakeholderType: 'ngo' });
    const recommendationId = (await organiser.client.recommendations.get('WP1515-55')).id;
    const c = await organiser.client.coalitions.create({
      name: `Durable plans ${randomBytes(3).toString('hex')}`,
      purpose: 'Plans that survive crashes',
      visibility: 'private',
      recommendationIds: [recommendationId],
      organisationId: org.id,
    });
    coalitionId = c.id;
    for (const user of [ann, bob]) {
      const own = await createOrganisation(user, { stakeholderType: 'state' });
      const inv = await organiser.client.coalitions.invite(c.id, {
        email: user.email,
        role: 'member',
        organisationId: own.id,
      });
      await user.client.invitations.accept(inv.token);
    }
    await node.stop();
  });

  afterEach(() => {
    editors.closeAll();
  });

  afterAll(async () => {
    editors.closeAll();
    await Promise.all(nodes.map((n) => n.stop()));
    await mongo?.close();
  });

  it('keeps every acknowledged update and REST edit when killed right after the acks', async () => {
    const node = await start();
    const planId = await newPlan(node, 'Protecting defenders');
    const boss = at(node, organiser).client;
    const a = await editors.open(at(node, ann), planId);
    const b = await editors.open(at(node, bob), planId);

    // Two editors type at once (one update per keystroke) while REST edits land in between.
    const action = await boss.plans.addAction(planId, {
      title: 'Legal aid fund',
      status: 'limited',
    });
    typeInto(text(a.plan, 'problem'), 'defenders face reprisals', 1);
    typeInto(text(b.plan, 'objective'), 'a safe civic space', 2);
    const patched = boss.plans.update(planId, { sdgTargets: ['16.10', '16.a'] });
    typeInto(text(b.plan, 'problem'), 'BOB', 3);
    const milestone = await boss.plans.addMilestone(planId, action.id, {
      title: 'Fund opens',
      due: '2027-03-01',
    });
    await patched;
    await Promise.all([a.flushed(), b.flushed()]);
    const restSeen = (doc: Y.Doc) => {
      const content = contentOf(doc);
      return content.sdgTargets.length === 2 && content.actions[0]?.milestones.length === 1;
    };
    await until(a.doc, () => restSeen(a.doc));
    await until(b.doc, () => restSeen(b.doc));

    // Second burst, inside the record REST made too, and a REST edit in the middle of it.
    const description = actionsOf(a.plan).get(0).get('description') as Y.Text;
    typeInto(description, 'grants for lawyers', 4);
    typeInto(text(b.plan, 'title'), ' 2027', 5);
    await boss.plans.editMilestone(planId, action.id, milestone.id, { status: 'completed' });
    await until(a.doc, () => contentOf(a.doc).actions[0].milestones[0].status === 'completed');
    await until(b.doc, () => contentOf(b.doc).actions[0].milestones[0].status === 'completed');
    typeInto(text(a.plan, 'objective'), '!!', 6);
    typeInto(text(b.plan, 'problem'), '##', 7);
    await Promise.all([a.flushed(), b.flushed()]);

    // The last ack is in: kill at once. What the editors hold now is all that was acknowledged.
    await killHard(node);
    const expected = merged(a.doc, b.doc);
    const acked = Math.max(a.seq, b.seq);
    const content = contentOf(expected);
    expect(content.problem).toHaveLength('defenders face reprisals'.length + 5);
    expect(content.objective).toHaveLength('a safe civic space'.length + 2);
    expect(content.actions[0].description).toHaveLength('grants for lawyers'.length);
    expect(content.title).toHaveLength('Protecting defenders 2027'.length);
    expect((await logOf(planId)).updates.length).toBeGreaterThan(0);

    const again = await start();
    const reader = await expectServed(again, planId, expected);
    expect((await at(again, organiser).client.plans.get(planId)).seq).toBe(acked);
    // Editing goes on after the restart: the next update takes the next place in the log.
    text(reader.plan, 'problem').insert(0, '>');
    await reader.flushed();
    expect(reader.seq).toBe(acked + 1);
    expect((await at(again, ann).client.plans.get(planId)).problem).toBe(
      text(reader.plan, 'problem').toJSON(),
    );
    await again.stop();
  });

  it('compacts the log after PLAN_COMPACT_AFTER updates and loads the same plan after a kill', async () => {
    const env = { PLAN_COMPACT_AFTER: '10' };
    const node = await start(env);
    const planId = await newPlan(node, 'Compacted plan');
    const a = await editors.open(at(node, ann), planId);
    const b = await editors.open(at(node, bob), planId);
    let sent = 0;
    // One keystroke per ack, so that each update is a record of its own in the log.
    const typeAcked = async (session: PlanSession, field: string, chars: string) => {
      for (const ch of chars) {
        text(session.plan, field).insert(text(session.plan, field).length, ch);
        await session.flushed();
        sent++;
      }
    };
    await Promise.all([
      typeAcked(a, 'problem', 'abcdefghijklmnopqrst'),
      typeAcked(b, 'objective', 'ABCDEFGHIJKLMNOPQRST'),
    ]);
    await at(node, ann).client.plans.update(planId, { sdgTargets: ['16.10'] });
    sent++;
    await until(a.doc, () => contentOf(a.doc).sdgTargets.length === 1);
    await until(b.doc, () => contentOf(b.doc).sdgTargets.length === 1);
    await typeAcked(a, 'problem', 'uvw');
    expect(sent).toBe(44);

    // Compaction runs after the writes that cross the threshold: wait until the log shows it.
    const log = await eventually(async () => {
      const state = await logOf(planId);
      const latest = state.snapshots.at(-1)?.seq ?? 0;
      const pruned = state.updates.every((u) => u.seq > latest);
      return latest > 0 && pruned && state;
    }, 'a snapshot with seq > 0 and the log pruned up to it');
    expect(log.updates.length).toBeLessThan(sent);
    expect(log.snapshots.at(-1)!.seq).toBeGreaterThanOrEqual(10);

    await killHard(node);
    const expected = merged(a.doc, b.doc);
    expect(contentOf(expected)).toMatchObject({
      problem: 'abcdefghijklmnopqrstuvw',
      objective: 'ABCDEFGHIJKLMNOPQRST',
      sdgTargets: ['16.10'],
    });
    const again = await start(env);
    await expectServed(again, planId, expected);
    expect((await at(again, bob).client.plans.get(planId)).seq).toBe(Math.max(a.seq, b.seq));
    await again.stop();
  });

  it('folds an idle plan into a snapshot, lets it leave memory and reloads it from the log', async () => {
    const env = { PLAN_IDLE_SECONDS: '1' };
    const node = await start(env);
    const planId = await newPlan(node, 'Idle plan');
    const a = await editors.open(at(node, ann), planId);
    const b = await editors.open(at(node, bob), planId);
    typeInto(text(a.plan, 'problem'), 'idle but kept', 8);
    typeInto(text(b.plan, 'objective'), 'stored', 9);
    await Promise.all([a.flushed(), b.flushed()]);
    await until(a.doc, () => text(a.plan, 'objective').length === 6);
    const expected = merged(a.doc, b.doc);
    const lastSeq = Math.max(a.seq, b.seq);
    await Promise.all([a.close(), b.close()]);
    editors.closeAll();

    // Idle for PLAN_IDLE_SECONDS: the log is folded into a snapshot at the last seq.
    await eventually(async () => {
      const state = await logOf(planId);
      return state.snapshots.at(-1)?.seq === lastSeq && state.updates.length === 0;
    }, 'the idle plan folded into a snapshot at its last seq');

    // A change written to the log behind this node's back (as another node would) shows only
    // once the document is read from storage again, i.e. once it has left this node's memory.
    const outside = merged(expected);
    const before = Y.encodeStateVector(outside);
    text(outside.getMap('plan'), 'baseline').insert(0, 'written to the log directly');
    await db.collection('plan_updates').insertOne({
      planId: new ObjectId(planId),
      seq: lastSeq + 1,
      update: Buffer.from(Y.encodeStateAsUpdate(outside, before)),
      owners: [{ client: outside.clientID, userId: ann.user.id }],
      createdAt: new Date(),
    });
    // Each read counts as a use, so look only every 3 s (> 2 × PLAN_IDLE_SECONDS).
    const reader = at(node, organiser).client;
    await eventually(
      async () => (await reader.plans.get(planId)).baseline === 'written to the log directly',
      'the plan reloaded from storage after leaving memory',
      20_000,
      3_000,
    );
    await expectServed(node, planId, outside);
    const view = await reader.plans.get(planId);
    expect(view.seq).toBe(lastSeq + 1);

    // Editing after the reload continues the log, and a kill loses none of it.
    const c = await editors.open(at(node, bob), planId);
    text(c.plan, 'problem').insert(0, 'again: ');
    await c.flushed();
    expect(c.seq).toBe(lastSeq + 2);
    const final = merged(c.doc);
    await killHard(node);
    const again = await start(env);
    await expectServed(again, planId, final);
    await again.stop();
  });
});
