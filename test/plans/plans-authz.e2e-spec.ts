import { AccordApiError, AccordSocketError, type ActionPlan } from '@accord/client';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Editors, text } from '../support/plans';
import { type Person, RoomKit } from '../support/rooms';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The authorization matrix of action plans: every route and socket event × every kind of caller,
 * for a public and a private coalition. The grid is written by hand from README.md ("Action
 * plans": plans are for members — observers read, members and above write, organisers move the
 * workflow; outsiders get 404 for a plan even in a public coalition, and a private coalition's
 * plan list is 404 to them as the coalition itself is). Cells read an HTTP status or an ack code.
 * Every write cell also checks its effect: the plan's stored seq moves exactly when it may.
 *
 * `endorse` is asked while the plan is a draft: callers who may endorse get 409 (wrong moment),
 * the others 403 / 404 — authorization is decided before the state. `export` downloads a CSV;
 * `import` imports the plan's JSON export, and the coalition's plan count must grow exactly when
 * it is allowed.
 */

const CALLERS = ['outsider', 'observer', 'member', 'moderator', 'organiser'] as const;
type Caller = (typeof CALLERS)[number];

/** Cells `a|b` differ by visibility: `a` in a public coalition, `b` in a private one. */
const GRID = `
    op              outsider   observer   member  moderator  organiser
    list            403|404    200        200     200        200
    create          403|404    403        201     201        201
    get             404        200        200     200        200
    patch           404        403        200     200        200
    addAction       404        403        201     201        201
    editAction      404        403        200     200        200
    moveAction      404        403        200     200        200
    removeAction    404        403        204     204        204
    addMilestone    404        403        201     201        201
    createVersion   404        403        201     201        201
    listVersions    404        200        200     200        200
    getVersion      404        200        200     200        200
    restore         404        403        200     200        200
    changes         404        200        200     200        200
    status          404        403        403     403        200
    endorse         404        403        409     409        409
    endorsements    404        200        200     200        200
    export          404        200        200     200        200
    import          403|404    403        201     201        201
    plan:open       NOT_FOUND  ok         ok      ok         ok
    plan:update     FORBIDDEN  FORBIDDEN  ok      ok         ok
    plan:awareness  FORBIDDEN  ok         ok      ok         ok
`;

function parse(
  text: string,
  visibility: 'public' | 'private',
): { op: string; cells: Map<Caller, string> }[] {
  const [[, ...header], ...lines] = text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  if (header.join(' ') !== CALLERS.join(' ')) throw new Error('unexpected grid header');
  return lines.map(([op, ...cells]) => ({
    op,
    cells: new Map(
      CALLERS.map((caller, i) => {
        const [inPublic, inPrivate = inPublic] = cells[i].split('|');
        return [caller, visibility === 'public' ? inPublic : inPrivate];
      }),
    ),
  }));
}

/** Runs a request; answers its HTTP status (or the socket ack's code, `ok` on success). */
async function outcome(run: () => Promise<number | string>): Promise<string> {
  try {
    return String(await run());
  } catch (error) {
    if (error instanceof AccordApiError) return String(error.status);
    if (error instanceof AccordSocketError) return error.code;
    throw error;
  }
}

/** Writes that change the document: the stored seq must move exactly when they are allowed. */
const CONTENT_WRITES = new Set([
  'patch',
  'addAction',
  'editAction',
  'moveAction',
  'removeAction',
  'addMilestone',
  'restore',
  'plan:update',
]);

describe.each(['public', 'private'] as const)(
  'action plan authorization: %s coalition',
  (visibility) => {
    let t: TestApp;
    let kit: RoomKit;
    const editors = new Editors();
    let people: Record<Caller, Person>;
    let coalitionId: string;
    let plan: ActionPlan;
    let versionId: string;
    /** The plan's JSON export, imported by the import cells. */
    let exported: unknown;

    beforeAll(async () => {
      t = await startTestApp();
      kit = new RoomKit(t);
      const room = await kit.room(visibility, {
        outsider: 'outsider',
        observer: 'observer',
        member: 'member',
        moderator: 'moderator',
      });
      people = { ...room, organiser: room.organiser };
      coalitionId = room.c.id;
      plan = await room.organiser.client.plans.create(coalitionId, 'Matrix plan');
      await room.organiser.client.plans.addAction(plan.id, { title: 'Kept action' });
      versionId = (await room.organiser.client.plans.createVersion(plan.id, 'Base')).id;
      const file = await room.organiser.client.plans.export(plan.id, 'json');
      exported = JSON.parse(Buffer.from(file.bytes).toString('utf8'));
    });

    afterEach(() => editors.closeAll());

    afterAll(async () => {
      await t?.close();
    });

    const organiser = () => people.organiser.client;
    const seq = async () => (await organiser().plans.get(plan.id)).seq;

    /** A fresh action for cells that change or remove one. */
    const freshAction = async () =>
      (await organiser().plans.addAction(plan.id, { title: `Target ${Math.random()}` })).id;

    /** The stored seq just before the request of the cell (after its set-up). */
    let before = 0;
    const mark = async () => {
      before = await seq();
    };

    async function perform(op: string, caller: Caller): Promise<string> {
      if (!['editAction', 'moveAction', 'removeAction', 'addMilestone', 'restore'].includes(op)) {
        await mark();
      }
      const who = people[caller];
      const client = who.client;
      switch (op) {
        case 'list':
          return outcome(async () => (await client.plans.list(coalitionId), 200));
        case 'create':
          return outcome(async () => (await client.plans.create(coalitionId, `By ${caller}`), 201));
        case 'get':
          return outcome(async () => (await client.plans.get(plan.id), 200));
        case 'patch':
          return outcome(
            async () => (await client.plans.update(plan.id, { problem: caller }), 200),
          );
        case 'addAction':
          return outcome(
            async () => (await client.plans.addAction(plan.id, { title: caller }), 201),
          );
        case 'editAction': {
          const id = await freshAction();
          await mark();
          return outcome(
            async () => (await client.plans.editAction(plan.id, id, { status: 'limited' }), 200),
          );
        }
        case 'moveAction': {
          const id = await freshAction();
          await mark();
          return outcome(async () => (await client.plans.moveAction(plan.id, id, 0), 200));
        }
        case 'removeAction': {
          const id = await freshAction();
          await mark();
          return outcome(async () => (await client.plans.removeAction(plan.id, id), 204));
        }
        case 'addMilestone': {
          const id = await freshAction();
          await mark();
          return outcome(
            async () => (await client.plans.addMilestone(plan.id, id, { title: caller }), 201),
          );
        }
        case 'createVersion':
          return outcome(
            async () => (await client.plans.createVersion(plan.id, `V ${caller}`), 201),
          );
        case 'listVersions':
          return outcome(async () => (await client.plans.versions(plan.id), 200));
        case 'getVersion':
          return outcome(async () => (await client.plans.version(plan.id, versionId), 200));
        case 'restore':
          await organiser().plans.update(plan.id, { objective: `before restore by ${caller}` });
          await mark();
          return outcome(async () => (await client.plans.restore(plan.id, versionId), 200));
        case 'changes':
          return outcome(async () => (await client.plans.changes(plan.id, versionId), 200));
        case 'status': {
          const result = await outcome(
            async () => (await client.plans.setStatus(plan.id, 'in_review'), 200),
          );
          const stored = (await organiser().plans.get(plan.id)).status;
          expect(stored).toBe(result === '200' ? 'in_review' : 'draft');
          if (stored !== 'draft') await organiser().plans.setStatus(plan.id, 'draft');
          return result;
        }
        case 'endorse':
          return outcome(
            async () => (await client.plans.endorse(plan.id, who.organisationId), 201),
          );
        case 'endorsements':
          return outcome(async () => (await client.plans.endorsements(plan.id), 200));
        case 'export':
          return outcome(async () => (await client.plans.export(plan.id, 'csv'), 200));
        case 'import': {
          const plans = async () => (await organiser().plans.list(coalitionId)).total;
          const count = await plans();
          const result = await outcome(
            async () => (await client.plans.import(coalitionId, exported), 201),
          );
          expect(await plans()).toBe(result === '201' ? count + 1 : count);
          return result;
        }
        case 'plan:open':
          return outcome(async () => (await editors.session(who, plan.id).open(), 'ok'));
        case 'plan:update':
          return outcome(async () => {
            const session = editors.session(who, plan.id);
            await session.open().catch(() => undefined); // outsiders cannot: their update is refused
            const replica = new Y.Doc();
            Y.applyUpdate(replica, Y.encodeStateAsUpdate(organiserDoc));
            const before = Y.encodeStateVector(replica);
            text(replica.getMap('plan'), 'baseline').insert(0, caller);
            await session.sendRaw(Y.encodeStateAsUpdate(replica, before));
            return 'ok';
          });
        case 'plan:awareness':
          return outcome(async () => {
            const session = editors.session(who, plan.id);
            await session.open().catch(() => undefined);
            const other = new Y.Doc();
            const awareness = new Awareness(other);
            awareness.setLocalState({ user: caller });
            const update = encodeAwarenessUpdate(awareness, [other.clientID]);
            awareness.destroy();
            await session.realtime.request('plan:awareness', { planId: plan.id, update });
            return 'ok';
          });
        default:
          throw new Error(`no such operation ${op}`);
      }
    }

    let organiserDoc: Y.Doc;
    beforeEach(async () => {
      organiserDoc = (await editors.open(people.organiser, plan.id)).doc;
    });

    for (const { op, cells } of parse(GRID, visibility)) {
      for (const caller of CALLERS) {
        const expected = cells.get(caller) ?? '?';
        it(`${op} by ${caller} → ${expected}`, async () => {
          expect(await perform(op, caller)).toBe(expected);
          if (CONTENT_WRITES.has(op)) {
            const after = await seq();
            if (/^2\d\d$|^ok$/.test(expected)) expect(after).toBeGreaterThan(before);
            else expect(after).toBe(before);
          }
        });
      }
    }
  },
);
