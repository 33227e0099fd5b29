import { STAKEHOLDER_TYPES, type StakeholderType } from '@accord/organisations';

export interface StakeholderMix {
  /** Member organisations by stakeholder type (every type present, 0 when none). */
  counts: Record<StakeholderType, number>;
  /** Distinct member organisations. */
  organisations: number;
  /** Stakeholder types with at least one organisation. */
  types: number;
  /** Three or more stakeholder types. */
  multiStakeholder: boolean;
}

export const MULTI_STAKEHOLDER_MIN_TYPES = 3;

/** The mix of distinct organisations (several people of one organisation count once). */
export function stakeholderMixOf(organisationTypes: Map<string, StakeholderType>): StakeholderMix {
  const counts = Object.fromEntries(STAKEHOLDER_TYPES.map((t) => [t, 0])) as Record<
    StakeholderType,
    number
  >;
  for (const type of organisationTypes.values()) counts[type]++;
  const types = STAKEHOLDER_TYPES.filter((t) => counts[t] > 0).length;
  return {
    counts,
    organisations: organisationTypes.size,
    types,
    multiStakeholder: types >= MULTI_STAKEHOLDER_MIN_TYPES,
  };
}
