/** Roles in a coalition, lowest first. */
export const COALITION_ROLES = ['observer', 'member', 'moderator', 'organiser'] as const;
export type CoalitionRole = (typeof COALITION_ROLES)[number];

export const COALITION_VISIBILITIES = ['public', 'private'] as const;
export type CoalitionVisibility = (typeof COALITION_VISIBILITIES)[number];

export function rankOf(role: CoalitionRole): number {
  return COALITION_ROLES.indexOf(role) + 1;
}
