import { CoalitionAccessPolicy, type CoalitionRole } from '@accord/coalitions';
import type { PlanStatus } from './action-plan.schema';

/** Endorsed and published plans are frozen until an organiser reopens them. */
export function isFrozen(status: PlanStatus): boolean {
  return status === 'endorsed' || status === 'published';
}

/**
 * The one access policy of action plans, used by every REST route and socket event. `role` is
 * the caller's role in the plan's coalition (null: not a member). Plans are the coalition's
 * working documents: outsiders do not see them, even in public coalitions.
 */
export const PlanAccessPolicy = {
  /** Members of every role read plans, open them live and send cursors. */
  canRead: (role: CoalitionRole | null): boolean => role !== null,

  canCreate: (role: CoalitionRole | null): boolean => CoalitionAccessPolicy.canEditPlan(role),

  /** Why the caller may not edit the plan now (null: they may). */
  whyReadOnly: (role: CoalitionRole | null, status: PlanStatus): string | null => {
    if (!CoalitionAccessPolicy.canEditPlan(role)) {
      return 'Observers can read this plan but not edit it';
    }
    if (isFrozen(status)) {
      return `The plan is ${status}: an organiser must move it back to draft before it can be edited`;
    }
    return null;
  },

  /** Naming a version changes nothing, so it is allowed on frozen plans too. */
  canNameVersion: (role: CoalitionRole | null): boolean => CoalitionAccessPolicy.canEditPlan(role),

  canMoveWorkflow: (role: CoalitionRole | null): boolean => CoalitionAccessPolicy.canOrganise(role),

  /** Endorsing is for members acting for their organisation (its admins; checked separately). */
  canEndorse: (role: CoalitionRole | null): boolean => CoalitionAccessPolicy.canEditPlan(role),
};
