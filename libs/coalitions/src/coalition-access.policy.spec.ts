import { CoalitionAccessPolicy } from './coalition-access.policy';
import type { CoalitionRole } from './coalition-roles';

/**
 * The truth tables of the coalition access policy, written out by hand from the rules in
 * README.md ("Who may do what in a coalition") and DESIGN.md. They are expectations, not a
 * re-derivation: every cell is checked, and every table must cover every role (and, for the
 * caller, "not a member").
 *
 * Grids read `Y` (allowed) and `-` (refused); the first column names the caller's role, `none`
 * meaning not a member.
 */

type Caller = CoalitionRole | 'none';

const ROLES: CoalitionRole[] = ['observer', 'member', 'moderator', 'organiser'];
const CALLERS: Caller[] = ['none', ...ROLES];

const roleOf = (caller: Caller): CoalitionRole | null => (caller === 'none' ? null : caller);

/** Parses a grid: a header row of column names, then one row per caller. */
function grid(text: string): Map<string, Map<string, boolean>> {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  // The header's first word names the row axis (caller, current, target).
  const [[, ...header], ...rows] = lines;
  const table = new Map<string, Map<string, boolean>>();
  for (const [label, ...cells] of rows) {
    if (cells.length !== header.length) throw new Error(`row ${label} has ${cells.length} cells`);
    if (cells.some((c) => c !== 'Y' && c !== '-')) throw new Error(`row ${label}: Y or - only`);
    table.set(label, new Map(header.map((column, i) => [column, cells[i] === 'Y'])));
  }
  return table;
}

/** The cell, failing loudly when the table forgot a row or a column. */
function cell(table: Map<string, Map<string, boolean>>, row: string, column: string): boolean {
  const value = table.get(row)?.get(column);
  if (value === undefined) throw new Error(`the table has no cell ${row} × ${column}`);
  return value;
}

/** Every (row, column) pair with its expected value, as `it.each` rows. */
function cases(
  table: Map<string, Map<string, boolean>>,
  rows: readonly string[],
  columns: readonly string[],
): [string, string, boolean][] {
  const labels = [...table.keys()].sort().join(',');
  if (labels !== [...rows].sort().join(',')) throw new Error(`the table's rows are ${labels}`);
  return rows.flatMap((row) =>
    columns.map((column): [string, string, boolean] => [row, column, cell(table, row, column)]),
  );
}

describe('CoalitionAccessPolicy', () => {
  describe('tables cover every role', () => {
    it('knows exactly the four coalition roles plus "not a member"', () => {
      expect(CALLERS).toEqual(['none', 'observer', 'member', 'moderator', 'organiser']);
    });
  });

  describe('canView (visibility × caller)', () => {
    const VIEW = grid(`
      caller     public  private
      none       Y       -
      observer   Y       Y
      member     Y       Y
      moderator  Y       Y
      organiser  Y       Y
    `);
    it.each(cases(VIEW, CALLERS, ['public', 'private']))(
      '%s on a %s coalition → %p',
      (caller, visibility, expected) => {
        const coalition = { visibility: visibility as 'public' | 'private' };
        expect(CoalitionAccessPolicy.canView(coalition, roleOf(caller as Caller))).toBe(expected);
      },
    );
  });

  describe('canRequestToJoin (visibility × caller)', () => {
    const JOIN = grid(`
      caller     public  private
      none       Y       -
      observer   -       -
      member     -       -
      moderator  -       -
      organiser  -       -
    `);
    it.each(cases(JOIN, CALLERS, ['public', 'private']))(
      '%s on a %s coalition → %p',
      (caller, visibility, expected) => {
        const coalition = { visibility: visibility as 'public' | 'private' };
        expect(CoalitionAccessPolicy.canRequestToJoin(coalition, roleOf(caller as Caller))).toBe(
          expected,
        );
      },
    );
  });

  describe('single-role rules (caller)', () => {
    const SINGLE = grid(`
      caller     canComment  canEditPlan  canModerate  canOrganise  canDecideJoinRequests  canSeeMembers  canReadAudit
      none       -           -            -            -            -                      -              -
      observer   -           -            -            -            -                      Y              -
      member     Y           Y            -            -            -                      Y              -
      moderator  Y           Y            Y            -            Y                      Y              -
      organiser  Y           Y            Y            Y            Y                      Y              Y
    `);
    const RULES = [
      'canComment',
      'canEditPlan',
      'canModerate',
      'canOrganise',
      'canDecideJoinRequests',
      'canSeeMembers',
      'canReadAudit',
    ] as const;
    it.each(cases(SINGLE, CALLERS, RULES))('%s: %s → %p', (caller, rule, expected) => {
      const check = CoalitionAccessPolicy[rule as (typeof RULES)[number]];
      expect(check(roleOf(caller as Caller))).toBe(expected);
    });
  });

  describe('canGrantRole (caller × granted role)', () => {
    // Organisers grant any role, organiser included; moderators grant member or observer.
    const GRANT = grid(`
      caller     observer  member  moderator  organiser
      none       -         -       -          -
      observer   -         -       -          -
      member     -         -       -          -
      moderator  Y         Y       -          -
      organiser  Y         Y       Y          Y
    `);
    it.each(cases(GRANT, CALLERS, ROLES))('%s grants %s → %p', (caller, granted, expected) => {
      expect(
        CoalitionAccessPolicy.canGrantRole(roleOf(caller as Caller), granted as CoalitionRole),
      ).toBe(expected);
    });
  });

  describe('canInvite (caller × invited role)', () => {
    const INVITE = grid(`
      caller     observer  member  moderator  organiser
      none       -         -       -          -
      observer   -         -       -          -
      member     -         -       -          -
      moderator  Y         Y       -          -
      organiser  Y         Y       Y          Y
    `);
    it.each(cases(INVITE, CALLERS, ROLES))('%s invites a %s → %p', (caller, invited, expected) => {
      expect(
        CoalitionAccessPolicy.canInvite(roleOf(caller as Caller), invited as CoalitionRole),
      ).toBe(expected);
    });
  });

  describe('canActOn (caller × target role)', () => {
    // Nobody acts on an equal or higher rank; only moderators and organisers act at all.
    const ACT_ON = grid(`
      caller     observer  member  moderator  organiser
      none       -         -       -          -
      observer   -         -       -          -
      member     -         -       -          -
      moderator  Y         Y       -          -
      organiser  Y         Y       Y          -
    `);
    it.each(cases(ACT_ON, CALLERS, ROLES))('%s acts on a %s → %p', (caller, target, expected) => {
      expect(
        CoalitionAccessPolicy.canActOn(roleOf(caller as Caller), target as CoalitionRole),
      ).toBe(expected);
    });
  });

  describe('canModerateUser (caller × target, "none" = an outsider of a public room)', () => {
    // Room moderation (hide, mute, kick, ban): rank above the target; outsiders rank lowest.
    const MODERATE = grid(`
      caller     none  observer  member  moderator  organiser
      none       -     -         -       -          -
      observer   -     -         -       -          -
      member     -     -         -       -          -
      moderator  Y     Y         Y       -          -
      organiser  Y     Y         Y       Y          -
    `);
    it.each(cases(MODERATE, CALLERS, CALLERS))(
      '%s moderates a %s → %p',
      (caller, target, expected) => {
        expect(
          CoalitionAccessPolicy.canModerateUser(roleOf(caller as Caller), roleOf(target as Caller)),
        ).toBe(expected);
      },
    );
  });

  describe('canRemove (caller × target role)', () => {
    const REMOVE = grid(`
      caller     observer  member  moderator  organiser
      none       -         -       -          -
      observer   -         -       -          -
      member     -         -       -          -
      moderator  Y         Y       -          -
      organiser  Y         Y       Y          -
    `);
    it.each(cases(REMOVE, CALLERS, ROLES))('%s removes a %s → %p', (caller, target, expected) => {
      expect(
        CoalitionAccessPolicy.canRemove(roleOf(caller as Caller), target as CoalitionRole),
      ).toBe(expected);
    });
  });

  describe('canChangeOwnRole (current role × next role)', () => {
    // One's own role may only go down.
    const OWN = grid(`
      current    observer  member  moderator  organiser
      observer   -         -       -          -
      member     Y         -       -          -
      moderator  Y         Y       -          -
      organiser  Y         Y       Y          -
    `);
    it.each(cases(OWN, ROLES, ROLES))('%s → %s: %p', (current, next, expected) => {
      expect(
        CoalitionAccessPolicy.canChangeOwnRole(current as CoalitionRole, next as CoalitionRole),
      ).toBe(expected);
    });
  });

  describe('canChangeRole (caller × target role × next role)', () => {
    // One grid per caller: rows are the target's current role, columns the role it would get.
    const NOBODY = `
      target     observer  member  moderator  organiser
      observer   -         -       -          -
      member     -         -       -          -
      moderator  -         -       -          -
      organiser  -         -       -          -
    `;
    const CHANGE: Record<Caller, Map<string, Map<string, boolean>>> = {
      none: grid(NOBODY),
      observer: grid(NOBODY),
      member: grid(NOBODY),
      // Moderators move members and observers between member and observer, nothing more.
      moderator: grid(`
        target     observer  member  moderator  organiser
        observer   Y         Y       -          -
        member     Y         Y       -          -
        moderator  -         -       -          -
        organiser  -         -       -          -
      `),
      // Organisers change anyone below organiser to any role (promotion to organiser included),
      // and never another organiser.
      organiser: grid(`
        target     observer  member  moderator  organiser
        observer   Y         Y       Y          Y
        member     Y         Y       Y          Y
        moderator  Y         Y       Y          Y
        organiser  -         -       -          -
      `),
    };
    const rows = CALLERS.flatMap((caller) =>
      cases(CHANGE[caller], ROLES, ROLES).map(
        ([target, next, expected]): [Caller, string, string, boolean] => [
          caller,
          target,
          next,
          expected,
        ],
      ),
    );

    it('covers all 80 combinations, 16 of them allowed', () => {
      expect(rows).toHaveLength(80);
      expect(rows.filter(([, , , expected]) => expected)).toHaveLength(16);
    });

    it.each(rows)('%s makes a %s a %s → %p', (caller, target, next, expected) => {
      expect(
        CoalitionAccessPolicy.canChangeRole(
          roleOf(caller),
          target as CoalitionRole,
          next as CoalitionRole,
        ),
      ).toBe(expected);
    });
  });
});
