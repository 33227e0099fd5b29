import type { AuthContext } from '@accord/auth';
import type { OrganisationRole } from './stakeholder-type';

/**
 * Who may do what with an organisation, given the caller's role in it (null: not a member).
 * Organisations themselves are public; their member lists are not.
 */
export const OrganisationAccessPolicy = {
  canSeeMembers(ctx: AuthContext, role: OrganisationRole | null): boolean {
    return ctx.isPlatformAdmin || role !== null;
  },

  canManageMembers(_ctx: AuthContext, role: OrganisationRole | null): boolean {
    return role === 'admin';
  },

  canVerify(ctx: AuthContext): boolean {
    return ctx.isPlatformAdmin;
  },
};
