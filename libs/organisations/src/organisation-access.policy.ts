import type { AuthContext } from '@accord/auth';
import type { OrganisationRecord } from './organisation.schema';
import { roleOf } from './organisation.mapper';

/** Who may do what with an organisation. Organisations themselves are public. */
export const OrganisationAccessPolicy = {
  canSeeMembers(ctx: AuthContext, org: OrganisationRecord): boolean {
    return ctx.isPlatformAdmin || roleOf(org, ctx.userId) !== null;
  },

  canManageMembers(ctx: AuthContext, org: OrganisationRecord): boolean {
    return roleOf(org, ctx.userId) === 'admin';
  },

  canVerify(ctx: AuthContext): boolean {
    return ctx.isPlatformAdmin;
  },
};
