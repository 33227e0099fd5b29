import * as Y from 'yjs';
import { diffPlans } from './plan-diff';
import { editRecord, setText } from './plan-editor';
import { createPlanDoc, planMap, type PlanContent, projectPlan } from './plan-shape';

const base = (): PlanContent =>
  projectPlan(
    createPlanDoc({
      title: 'Plan',
      actions: [
        { id: 'a', title: 'Fund', milestones: [{ id: 'm', title: 'Open' }] },
        { id: 'b', title: 'Hotline' },
        { id: 'c', title: 'Training' },
      ],
    } as never),
  );

describe('diffPlans', () => {
  it('finds nothing between equal contents', () => {
    expect(diffPlans(base(), base())).toEqual([]);
  });

  it('names field changes, additions, removals and moves in readable sentences', () => {
    const from = base();
    const to = base();
    to.title = 'Plan 2027';
    to.problem = 'x'.repeat(100);
    to.actions = [to.actions[2], to.actions[0]];
    to.actions[1].status = 'limited';
    to.actions[1].milestones[0].due = '2027-01-01';
    to.actions.push({ ...to.actions[1], id: 'd', title: 'New', milestones: [], indicators: [] });
    expect(diffPlans(from, to).map((c) => `${c.kind} ${c.path}: ${c.summary}`)).toEqual([
      'changed title: Title: “Plan” → “Plan 2027”',
      'changed problem: Problem rewritten (+100 characters)',
      'removed actions/b: Action “Hotline” removed',
      'moved actions/c: Action “Training” moved from position 3 to 1',
      'moved actions/a: Action “Fund” moved from position 1 to 2',
      'changed actions/a: Action “Fund”: status: “not_started” → “limited”',
      'changed actions/a/milestones/m: Action “Fund”: milestone “Open”: due date: (empty) → “2027-01-01”',
      'added actions/d: Action “New” added at position 3',
    ]);
  });
});

describe('server-side edits', () => {
  it('changes only the differing middle of a text, keeping concurrent edits elsewhere', () => {
    const server = createPlanDoc({ title: 'The quick fox' });
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
    (planMap(other).get('title') as Y.Text).insert(13, ' jumps');
    setText(planMap(server).get('title') as Y.Text, 'The quick brown fox');
    Y.applyUpdate(server, Y.encodeStateAsUpdate(other));
    expect(projectPlan(server).title).toBe('The quick brown fox jumps');
  });

  it('makes a plan equal to given content (restores)', () => {
    const doc = createPlanDoc({ title: 'Now', actions: [{ id: 'x', title: 'Gone' }] } as never);
    const target = base();
    doc.transact(() => editRecord('plan', planMap(doc), target as never));
    expect(projectPlan(doc)).toEqual(target);
  });
});
