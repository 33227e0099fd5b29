import type { CoalitionRole } from '@accord/coalitions';
import type { PlanStatus } from './action-plan.schema';
import { PlanAccessPolicy } from './plan-access.policy';

const ROLES: (CoalitionRole | null)[] = [null, 'observer', 'member', 'moderator', 'organiser'];
const STATUSES: PlanStatus[] = ['draft', 'in_review', 'endorsed', 'published'];

/** Who may do what, role by role (outsider, observer, member, moderator, organiser). */
type RoleRule = 'canRead' | 'canCreate' | 'canNameVersion' | 'canMoveWorkflow' | 'canEndorse';

const MATRIX: Record<RoleRule, boolean[]> = {
  canRead: [false, true, true, true, true],
  canCreate: [false, false, true, true, true],
  canNameVersion: [false, false, true, true, true],
  canMoveWorkflow: [false, false, false, false, true],
  canEndorse: [false, false, true, true, true],
};

/** May edit, per status (rows) and role (columns). */
const EDIT: Record<PlanStatus, boolean[]> = {
  draft: [false, false, true, true, true],
  in_review: [false, false, true, true, true],
  endorsed: [false, false, false, false, false],
  published: [false, false, false, false, false],
};

describe('PlanAccessPolicy', () => {
  it.each(Object.keys(MATRIX) as RoleRule[])('%s by role', (rule) => {
    expect(ROLES.map((role) => PlanAccessPolicy[rule](role))).toEqual(MATRIX[rule]);
  });

  it.each(STATUSES)('editing a %s plan by role', (status) => {
    expect(ROLES.map((role) => PlanAccessPolicy.whyReadOnly(role, status) === null)).toEqual(
      EDIT[status],
    );
  });

  it('says why a plan is read-only', () => {
    expect(PlanAccessPolicy.whyReadOnly('observer', 'draft')).toMatch(/Observers/);
    expect(PlanAccessPolicy.whyReadOnly('organiser', 'endorsed')).toMatch(/endorsed.*draft/);
  });
});
