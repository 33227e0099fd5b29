import { STAKEHOLDER_TYPES as SERVER_STAKEHOLDER_TYPES } from '@accord/organisations';
import { STAKEHOLDER_TYPES } from './types';

// The SDK carries no server code, so it keeps its own copy of the contract's enums.
describe('client wire types', () => {
  it('lists the same stakeholder types as the server', () => {
    expect([...STAKEHOLDER_TYPES]).toEqual([...SERVER_STAKEHOLDER_TYPES]);
  });
});
