import * as Y from 'yjs';
import { moveRecord } from './plan-editor';
import { createPlanDoc, newRecord, planMap, projectPlan } from './plan-shape';
import { checkPlanUpdate, PlanUpdateRefusal } from './plan-update-guard';

const USER = 'user-a';

/** A client replica of `server`, and a helper capturing the update one change produces. */
function replicaOf(server: Y.Doc): Y.Doc {
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return client;
}

function change(doc: Y.Doc, edit: (plan: Y.Map<unknown>) => void): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.transact(() => edit(planMap(doc)));
  return Y.encodeStateAsUpdate(doc, before);
}

function check(
  server: Y.Doc,
  update: Uint8Array,
  userId = USER,
  owners = new Map<number, string>(),
) {
  return checkPlanUpdate(server, update, { userId, ownerOf: (c) => owners.get(c) });
}

function refusal(
  server: Y.Doc,
  update: Uint8Array,
  owners?: Map<number, string>,
): PlanUpdateRefusal {
  try {
    check(server, update, USER, owners);
  } catch (error) {
    if (error instanceof PlanUpdateRefusal) return error;
    throw error;
  }
  throw new Error('the update was accepted');
}

const text = (plan: Y.Map<unknown>, key: string) => plan.get(key) as Y.Text;
const actions = (plan: Y.Map<unknown>) => plan.get('actions') as Y.Array<Y.Map<unknown>>;

describe('checkPlanUpdate', () => {
  let server: Y.Doc;
  let client: Y.Doc;

  beforeEach(() => {
    server = createPlanDoc({
      title: 'Plan',
      actions: [{ id: 'a1', title: 'First action' }],
    } as never);
    client = replicaOf(server);
  });

  it('accepts text typed into the plan fields and applies cleanly', () => {
    const update = change(client, (plan) => {
      text(plan, 'problem').insert(0, 'Defenders are harassed');
      text(plan, 'title').insert(4, ' 2027');
    });
    const result = check(server, update);
    expect(result.noop).toBe(false);
    expect(result.clients).toEqual([client.clientID]);
    Y.applyUpdate(server, update);
    expect(projectPlan(server)).toMatchObject({
      title: 'Plan 2027',
      problem: 'Defenders are harassed',
    });
  });

  it('accepts a complete new action, edits inside actions, list entries and deletions', () => {
    const update = change(client, (plan) => {
      actions(plan).push([newRecord('action', { id: 'a2', title: 'Second' })]);
      const first = actions(plan).get(0);
      first.set('status', 'limited');
      first.set('startDate', '2027-01-31');
      (first.get('supportingOrganisationIds') as Y.Array<string>).push([
        '0123456789abcdef01234567',
      ]);
      (first.get('milestones') as Y.Array<Y.Map<unknown>>).push([
        newRecord('milestone', { title: 'Kick-off', due: '2027-02-01' }),
      ]);
      text(first, 'title').delete(0, 6);
      (plan.get('sdgTargets') as Y.Array<string>).push(['16.10', '5.a']);
    });
    check(server, update);
    Y.applyUpdate(server, update);
    const plan = projectPlan(server);
    expect(plan.sdgTargets).toEqual(['16.10', '5.a']);
    expect(plan.actions.map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(plan.actions[0]).toMatchObject({
      title: 'action',
      status: 'limited',
      startDate: '2027-01-31',
    });
    expect(plan.actions[0].milestones[0]).toMatchObject({ title: 'Kick-off', due: '2027-02-01' });
  });

  it('accepts removing and moving actions', () => {
    const update = change(client, (plan) => {
      actions(plan).push([newRecord('action', { id: 'a2', title: 'Second' })]);
    });
    Y.applyUpdate(server, update);
    const remove = change(client, (plan) => actions(plan).delete(0, 1));
    check(server, remove);
    Y.applyUpdate(server, remove);
    expect(projectPlan(server).actions.map((a) => a.id)).toEqual(['a2']);
  });

  it('accepts a move: the record removed and inserted again with its id, in one update', () => {
    Y.applyUpdate(
      server,
      change(client, (plan) => actions(plan).push([newRecord('action', { id: 'a2', title: 'B' })])),
    );
    const move = change(client, (plan) => moveRecord('action', actions(plan), 0, 1));
    check(server, move);
    Y.applyUpdate(server, move);
    expect(projectPlan(server).actions.map((a) => a.id)).toEqual(['a2', 'a1']);
  });

  it('accepts a field set twice in one update (merged offline work)', () => {
    const first = change(client, (plan) => actions(plan).get(0).set('status', 'limited'));
    const second = change(client, (plan) => actions(plan).get(0).set('status', 'completed'));
    const merged = Y.mergeUpdates([first, second]);
    check(server, merged);
    Y.applyUpdate(server, merged);
    expect(projectPlan(server).actions[0].status).toBe('completed');
  });

  it('reports edits that follow a refused update of the same client as missing', () => {
    const refusedUpdate = change(client, (plan) =>
      actions(plan).push([newRecord('action', { id: 'a1', title: 'duplicate' })]),
    );
    expect(refusal(server, refusedUpdate).reason).toBe('invalid');
    const next = change(client, (plan) => text(plan, 'problem').insert(0, 'later'));
    expect(refusal(server, next).reason).toBe('missing');
  });

  it('treats an update the server has already as a no-op', () => {
    const update = change(client, (plan) => text(plan, 'title').insert(0, 'The '));
    Y.applyUpdate(server, update);
    expect(check(server, update).noop).toBe(true);
  });

  it.each<[string, (plan: Y.Map<unknown>) => void, RegExp]>([
    [
      'replacing a plan field',
      (plan) => plan.set('title', new Y.Text('x')),
      /created by the server/,
    ],
    ['a new key on the plan', (plan) => plan.set('secret', 'x'), /created by the server/],
    ['deleting a plan field', (plan) => plan.delete('problem'), /cannot be removed/],
    [
      'a bad status',
      (plan) => actions(plan).get(0).set('status', 'done'),
      /status of an action must be one of/,
    ],
    ['a bad date', (plan) => actions(plan).get(0).set('endDate', '2027-02-30'), /calendar date/],
    [
      'an unknown action field',
      (plan) => actions(plan).get(0).set('colour', 'red'),
      /colour is not a field/,
    ],
    ['changing an id', (plan) => actions(plan).get(0).set('id', 'other'), /stable/],
    [
      'removing an action title',
      (plan) => actions(plan).get(0).delete('title'),
      /title of an action cannot be removed/,
    ],
    [
      'a plain value in actions',
      (plan) => actions(plan).push(['x' as never]),
      /must be an action map/,
    ],
    [
      'a bad SDG target',
      (plan) => (plan.get('sdgTargets') as Y.Array<string>).push(['99.1']),
      /SDG target/,
    ],
    [
      'a text field made an array',
      (plan) => actions(plan).get(0).set('title', new Y.Array()),
      /must be a Y.Text/,
    ],
    ['formatting', (plan) => text(plan, 'title').format(0, 2, { bold: true }), /plain text/],
    ['an incomplete action', (plan) => actions(plan).push([new Y.Map()]), /needs id/],
    [
      'a duplicate id',
      (plan) => actions(plan).push([newRecord('action', { id: 'a1', title: 'again' })]),
      /id a1 is used already/,
    ],
    [
      'too long a title',
      (plan) => text(plan, 'title').insert(0, 'x'.repeat(400)),
      /at most 300 characters/,
    ],
  ])('refuses %s', (_name, edit, message) => {
    const update = change(client, edit);
    const error = refusal(server, update);
    expect(error.reason).toBe('invalid');
    expect(error.message).toMatch(message);
  });

  it('refuses other root types', () => {
    const before = Y.encodeStateVector(client);
    client.getMap('elsewhere').set('x', 1);
    expect(refusal(server, Y.encodeStateAsUpdate(client, before)).message).toMatch(
      /outside the plan layout/,
    );
  });

  it('refuses bytes that are not an update', () => {
    expect(refusal(server, new Uint8Array([200, 1, 2, 3, 250, 250])).reason).toBe('invalid');
  });

  it("refuses writing as another editor's client", () => {
    const update = change(client, (plan) => text(plan, 'title').insert(0, 'x'));
    const owners = new Map([[client.clientID, 'someone-else']]);
    expect(refusal(server, update, owners).message).toMatch(/another editor/);
  });

  it('reports an update that builds on unknown changes as missing', () => {
    change(client, (plan) => text(plan, 'title').insert(0, 'first '));
    const second = change(client, (plan) => text(plan, 'title').insert(2, 'X'));
    expect(refusal(server, second).reason).toBe('missing');
  });
});
