import { type CoalitionRole, type CoalitionVisibility, rankOf } from './coalition-roles';

/** What the policy needs to know about a coalition. */
export interface CoalitionSubject {
  visibility: CoalitionVisibility;
}

/**
 * The one access policy of coalitions, used by every REST route and every socket event.
 * `role` is the caller's role in the coalition, null when they are not a member. Platform admins
 * have no powers inside coalitions: a private coalition of human-rights defenders is not
 * visible to the people running the platform unless they are members.
 */
export const CoalitionAccessPolicy = {
  /** A private coalition does not exist for non-members. */
  canView: (coalition: CoalitionSubject, role: CoalitionRole | null): boolean => {
    return coalition.visibility === 'public' || role !== null;
  },

  /** Observers read; members and above write comments. */
  canComment: (role: CoalitionRole | null): boolean => {
    return role !== null && rankOf(role) >= rankOf('member');
  },

  canModerate: (role: CoalitionRole | null): boolean => {
    return role !== null && rankOf(role) >= rankOf('moderator');
  },

  canOrganise: (role: CoalitionRole | null): boolean => {
    return role === 'organiser';
  },

  canEditPlan: (role: CoalitionRole | null): boolean => {
    return role !== null && rankOf(role) >= rankOf('member');
  },

  /** Outsiders may ask to join public coalitions. */
  canRequestToJoin: (coalition: CoalitionSubject, role: CoalitionRole | null): boolean => {
    return coalition.visibility === 'public' && role === null;
  },

  canDecideJoinRequests: (role: CoalitionRole | null): boolean => {
    return CoalitionAccessPolicy.canModerate(role);
  },

  canSeeMembers: (role: CoalitionRole | null): boolean => {
    return role !== null;
  },

  canReadAudit: (role: CoalitionRole | null): boolean => {
    return CoalitionAccessPolicy.canOrganise(role);
  },

  /** Organisers may grant any role (organiser included); moderators grant member or observer. */
  canGrantRole: (actor: CoalitionRole | null, granted: CoalitionRole): boolean => {
    if (actor === 'organiser') return true;
    return (
      actor !== null && rankOf(actor) >= rankOf('moderator') && rankOf(granted) < rankOf(actor)
    );
  },

  canInvite: (actor: CoalitionRole | null, invited: CoalitionRole): boolean => {
    return (
      CoalitionAccessPolicy.canModerate(actor) && CoalitionAccessPolicy.canGrantRole(actor, invited)
    );
  },

  /** Nobody acts on an equal or higher rank. */
  canActOn: (actor: CoalitionRole | null, target: CoalitionRole): boolean => {
    return actor !== null && rankOf(actor) >= rankOf('moderator') && rankOf(actor) > rankOf(target);
  },

  canChangeRole: (
    actor: CoalitionRole | null,
    target: CoalitionRole,
    next: CoalitionRole,
  ): boolean => {
    return (
      CoalitionAccessPolicy.canActOn(actor, target) &&
      CoalitionAccessPolicy.canGrantRole(actor, next)
    );
  },

  /** One's own role may only go down (stepping down). */
  canChangeOwnRole: (current: CoalitionRole, next: CoalitionRole): boolean => {
    return rankOf(next) < rankOf(current);
  },

  /** Room moderation (hide, mute, kick, ban) of someone's comment or of them: rank above theirs. */
  canModerateUser: (actor: CoalitionRole | null, target: CoalitionRole | null): boolean => {
    return (
      CoalitionAccessPolicy.canModerate(actor) &&
      actor !== null &&
      rankOf(actor) > (target === null ? 0 : rankOf(target))
    );
  },

  canRemove: (actor: CoalitionRole | null, target: CoalitionRole): boolean => {
    return CoalitionAccessPolicy.canActOn(actor, target);
  },
};
