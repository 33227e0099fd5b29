import type { StakeholderType } from '@accord/organisations';
import { stakeholderMixOf } from './stakeholder-mix';

const mix = (types: [string, StakeholderType][]) => stakeholderMixOf(new Map(types));

describe('stakeholderMixOf', () => {
  it('counts each organisation once by its type and lists every type', () => {
    const result = mix([
      ['o1', 'ngo'],
      ['o2', 'ngo'],
      ['o3', 'state'],
    ]);
    expect(result.counts).toEqual({
      state: 1,
      ngo: 2,
      business: 0,
      union: 0,
      academia: 0,
      intergovernmental: 0,
      nhri: 0,
      other: 0,
    });
    expect(result).toMatchObject({ organisations: 3, types: 2, multiStakeholder: false });
  });

  it('is multi-stakeholder from three types on', () => {
    expect(
      mix([
        ['a', 'ngo'],
        ['b', 'state'],
        ['c', 'business'],
      ]).multiStakeholder,
    ).toBe(true);
    expect(
      mix([
        ['a', 'union'],
        ['b', 'union'],
        ['c', 'union'],
        ['d', 'nhri'],
      ]).multiStakeholder,
    ).toBe(false);
  });

  it('describes an empty coalition', () => {
    expect(mix([])).toMatchObject({ organisations: 0, types: 0, multiStakeholder: false });
  });
});
