/** The kinds of organisation that make a coalition multi-stakeholder (DESIGN.md → Domain). */
export const STAKEHOLDER_TYPES = [
  'state',
  'ngo',
  'business',
  'union',
  'academia',
  'intergovernmental',
  'nhri',
  'other',
] as const;
export type StakeholderType = (typeof STAKEHOLDER_TYPES)[number];

export const ORGANISATION_ROLES = ['admin', 'member'] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];
