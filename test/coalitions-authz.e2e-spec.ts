import { randomBytes } from 'node:crypto';
import {
  type AccordClient,
  type AuditPage,
  type Coalition,
  type CoalitionDetail,
  type CoalitionMember,
  type CoalitionRole,
  type CoalitionVisibility,
  type CreatedInvitation,
  type Invitation,
  type JoinRequest,
  type Page,
  type RawResponse,
  type RecommendationDetail,
} from '@accord/client';
import { createOrganisation, registerUser, type TestUser, uniqueEmail } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The coalition authorization matrix: caller × route × visibility, generated from one table.
 * Everything goes through real HTTP against the real engine; every membership is made through
 * the API (invitations, join requests, role changes).
 */

const CALLERS = [
  'outsider',
  'observer',
  'member',
  'moderator',
  'organiser',
  'platformAdmin',
] as const;
type Caller = (typeof CALLERS)[number];

const VISIBILITIES = ['public', 'private'] as const satisfies readonly CoalitionVisibility[];

/** Lowest first, as the contract ranks them. */
const ROLES = ['observer', 'member', 'moderator', 'organiser'] as const satisfies CoalitionRole[];

/** The caller's role in the fixture coalition (null: not a member). */
const ROLE_OF: Record<Caller, CoalitionRole | null> = {
  outsider: null,
  observer: 'observer',
  member: 'member',
  moderator: 'moderator',
  organiser: 'organiser',
  platformAdmin: null,
};

/** An HTTP status, or for list-like routes whether the fixture coalition is among the results. */
type Outcome = 200 | 201 | 204 | 403 | 404 | 409 | 'listed' | 'absent';
/** null: no such cell (an observer cannot step down, an organiser cannot step up). */
type Cell = Outcome | null;

const ERROR_CODES: Record<number, string> = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

/** Recommendations each fixture coalition works on, used by nothing else in this file. */
const FIXTURE_RECOMMENDATION: Record<CoalitionVisibility, string> = {
  public: 'WP1515-49',
  private: 'WP1515-50',
};
/** For coalitions that are not the fixture (join-request hosts, last-organiser cases). */
const OTHER_RECOMMENDATION = 'WP1515-6';

/** Building a fixture takes dozens of requests; the engine may be shared with other runs. */
const SETUP_TIMEOUT_MS = 120_000;

function hex(bytes = 5): string {
  return randomBytes(bytes).toString('hex');
}

interface Person extends TestUser {
  /** The organisation this person created and acts for. */
  orgId: string;
}

interface World {
  h: Harness;
  visibility: CoalitionVisibility;
  /** In the fixture coalition's name and purpose only: `q` finds exactly it. */
  token: string;
  coalition: CoalitionDetail;
  recommendationId: string;
  recommendationCode: string;
  people: Record<Caller, Person>;
  /** Signed in, in no coalition: the target of "non-member" cells. */
  stranger: Person;
  /**
   * Where approve/reject cells find a pending join request. Public: the fixture itself. A private
   * coalition takes no join requests, so its cells get the id of a request pending on another
   * (public) coalition, which must be unreachable through the private coalition's routes.
   */
  requestHost: { coalitionId: string; organiser: Person };
}

/**
 * One app on a database of its own, and the people made on it. The engine answers more slowly as
 * collections grow, so each group of routes gets a small database of its own.
 */
class Harness {
  private t?: TestApp;
  /** Platform admins of this app: one address per use, so no cell shares an admin. */
  private readonly adminEmails = Array.from({ length: 8 }, (_, i) =>
    uniqueEmail(`platform-admin-${i}`),
  );
  private adminsUsed = 0;
  /** People registered ahead (in parallel) for cells that need someone new; each taken once. */
  private ready: Person[] = [];

  async start(): Promise<void> {
    this.t = await startTestApp({ ADMIN_EMAILS: this.adminEmails.join(',') });
  }

  async close(): Promise<void> {
    await this.t?.close();
  }

  get api(): AccordClient {
    if (!this.t) throw new Error('the harness has not started');
    return this.t.client();
  }

  /** A newly registered user with an organisation of their own. */
  async newPerson(label: string, email?: string): Promise<Person> {
    const user = await registerUser(this.api, { displayName: label, email });
    const org = await createOrganisation(user);
    return { ...user, orgId: org.id };
  }

  /** A platform admin nobody has used yet. */
  freshAdmin(label: string): Promise<Person> {
    const email = this.adminEmails[this.adminsUsed++];
    if (!email) throw new Error('out of platform admin addresses: make the list longer');
    return this.newPerson(label, email);
  }

  async prepare(count: number): Promise<void> {
    this.ready.push(
      ...(await Promise.all(Array.from({ length: count }, () => this.newPerson('Fresh person')))),
    );
  }

  /** A person no one has used: in no coalition, with an organisation of their own. */
  take(label: string): Promise<Person> {
    const person = this.ready.pop();
    return person ? Promise.resolve(person) : this.newPerson(label);
  }
}

async function invitedInto(
  coalitionId: string,
  inviter: Person,
  role: CoalitionRole,
  person: Person,
): Promise<Person> {
  const invitation = await inviter.client.coalitions.invite(coalitionId, {
    email: person.email,
    role,
    organisationId: person.orgId,
  });
  const joined = await person.client.invitations.accept(invitation.token);
  expect(joined.myRole).toBe(role);
  return person;
}

/** A new person who holds `role` in the fixture coalition, invited by its organiser. */
async function enrol(world: World, role: CoalitionRole): Promise<Person> {
  const person = await world.h.take(`${world.visibility} ${role} (fresh)`);
  return invitedInto(world.coalition.id, world.people.organiser, role, person);
}

/** A new person in the caller's position, for cells whose action changes the caller. */
function freshCaller(world: World, caller: Caller): Promise<Person> {
  const role = ROLE_OF[caller];
  if (role) return enrol(world, role);
  if (caller === 'platformAdmin') return world.h.freshAdmin(`${world.visibility} admin (fresh)`);
  return world.h.take(`${world.visibility} outsider (fresh)`);
}

/** The target's role in the fixture coalition as its organiser sees it; null if not a member. */
async function roleIn(world: World, userId: string): Promise<CoalitionRole | null> {
  const detail = await world.people.organiser.client.coalitions.get(world.coalition.id);
  return detail.members?.find((m) => m.userId === userId)?.role ?? null;
}

async function buildWorld(h: Harness, visibility: CoalitionVisibility): Promise<World> {
  const token = `authz${hex()}`;
  const [organiser, observer, member, moderator, outsider, platformAdmin, stranger] =
    await Promise.all([
      h.newPerson(`${visibility} organiser`),
      h.newPerson(`${visibility} observer`),
      h.newPerson(`${visibility} member`),
      h.newPerson(`${visibility} moderator`),
      h.newPerson(`${visibility} outsider`),
      h.freshAdmin(`${visibility} platform admin`),
      h.newPerson(`${visibility} stranger`),
    ]);
  const recommendationCode = FIXTURE_RECOMMENDATION[visibility];
  const recommendation = await organiser.client.recommendations.get(recommendationCode);
  const coalition = await organiser.client.coalitions.create({
    name: `Coalition ${token}`,
    purpose: `Defending defenders (${token})`,
    visibility,
    recommendationIds: [recommendation.id],
    organisationId: organiser.orgId,
  });
  let requestHost: World['requestHost'];
  if (visibility === 'public') {
    // Members by join request (+ a role change for the moderator), the observer by invitation.
    for (const person of [member, moderator]) {
      const request = await person.client.coalitions.requestToJoin(coalition.id, person.orgId);
      await organiser.client.coalitions.approveJoinRequest(coalition.id, request.id);
    }
    await organiser.client.coalitions.changeRole(coalition.id, moderator.user.id, 'moderator');
    await invitedInto(coalition.id, organiser, 'observer', observer);
    requestHost = { coalitionId: coalition.id, organiser };
  } else {
    // The organiser invites the moderator, who invites the member and the observer.
    await invitedInto(coalition.id, organiser, 'moderator', moderator);
    await invitedInto(coalition.id, moderator, 'member', member);
    await invitedInto(coalition.id, moderator, 'observer', observer);
    const hostOrganiser = await h.newPerson('join-request host organiser');
    const host = await hostOrganiser.client.coalitions.create({
      name: `Request host ${hex()}`,
      purpose: 'Hosts join requests',
      visibility: 'public',
      recommendationIds: [
        (await hostOrganiser.client.recommendations.get(OTHER_RECOMMENDATION)).id,
      ],
      organisationId: hostOrganiser.orgId,
    });
    requestHost = { coalitionId: host.id, organiser: hostOrganiser };
  }

  return {
    h,
    visibility,
    token,
    coalition,
    recommendationId: recommendation.id,
    recommendationCode,
    people: { outsider, observer, member, moderator, organiser, platformAdmin },
    stranger,
    requestHost,
  };
}

// ---- outcome checks ----

function statusOf(expected: Outcome): number {
  if (typeof expected !== 'number')
    throw new Error(`the table gives ${expected} for a status route`);
  return expected;
}

function isListed(expected: Outcome): boolean {
  if (expected !== 'listed' && expected !== 'absent')
    throw new Error(`the table gives ${expected} for a list route`);
  return expected === 'listed';
}

/** The status, the contract's error code, and that an error reveals nothing of the coalition. */
function expectStatus(res: RawResponse, expected: Outcome, world: World): void {
  const status = statusOf(expected);
  const body = res.body as { code?: string; message?: string } | undefined;
  expect({ status: res.status, code: body?.code, message: body?.message }).toMatchObject(
    status >= 400 ? { status, code: ERROR_CODES[status] } : { status },
  );
  if (status >= 400) {
    expect(res.body).toMatchObject({ statusCode: status });
    expect(res.text).not.toContain(world.token);
  }
}

// ---- the routes: each performs its request as the caller and checks what followed ----

interface CellInput {
  world: World;
  caller: Caller;
  expected: Outcome;
}
type Executor = (cell: CellInput) => Promise<void>;

const base = (world: World) => `/coalitions/${world.coalition.id}`;

async function listCell(
  { world, caller, expected }: CellInput,
  query: Record<string, string>,
): Promise<void> {
  const res = await world.people[caller].client.raw<Page<Coalition>>('GET', '/coalitions', {
    query,
  });
  expect(res.status).toBe(200);
  const shown = res.body.items.map((c) => ({ id: c.id, myRole: c.myRole }));
  expect({ shown, total: res.body.total }).toEqual(
    isListed(expected)
      ? { shown: [{ id: world.coalition.id, myRole: ROLE_OF[caller] }], total: 1 }
      : { shown: [], total: 0 },
  );
  if (!isListed(expected)) expect(res.text).not.toContain(world.token);
}

/** PATCH a fresh member holding `from` to `to`. */
function patchCell(from: CoalitionRole, to: CoalitionRole): Executor {
  return async ({ world, caller, expected }) => {
    const target = await enrol(world, from);
    const res = await world.people[caller].client.raw<CoalitionMember>(
      'PATCH',
      `${base(world)}/members/${target.user.id}`,
      { body: { role: to } },
    );
    expectStatus(res, expected, world);
    if (res.status === 200) expect(res.body).toMatchObject({ userId: target.user.id, role: to });
    expect(await roleIn(world, target.user.id)).toBe(res.status === 200 ? to : from);
  };
}

/** The caller (a fresh person in their position) changes their own role by `step` ranks. */
function selfPatchCell(step: -1 | 1): Executor {
  return async ({ world, caller, expected }) => {
    const actor = await freshCaller(world, caller);
    const current = ROLE_OF[caller];
    const next: CoalitionRole = current
      ? ROLES[ROLES.indexOf(current) + step]
      : step < 0
        ? 'observer'
        : 'organiser';
    if (!next) throw new Error(`no role ${step} from ${current}: the table should have a null`);
    const res = await actor.client.raw<CoalitionMember>(
      'PATCH',
      `${base(world)}/members/${actor.user.id}`,
      { body: { role: next } },
    );
    expectStatus(res, expected, world);
    if (res.status === 200) expect(res.body).toMatchObject({ userId: actor.user.id, role: next });
    expect(await roleIn(world, actor.user.id)).toBe(res.status === 200 ? next : current);
  };
}

/** After someone left or was removed: a private coalition is gone for them, a public one shows no role. */
async function expectNoLongerMember(world: World, person: Person): Promise<void> {
  const res = await person.client.raw<CoalitionDetail>('GET', base(world));
  if (world.visibility === 'private') {
    expect(res.status).toBe(404);
  } else {
    expect(res.status).toBe(200);
    expect(res.body.myRole).toBeNull();
    expect(res.body).not.toHaveProperty('members');
  }
}

function removeCell(targetRole: CoalitionRole): Executor {
  return async ({ world, caller, expected }) => {
    const target = await enrol(world, targetRole);
    const res = await world.people[caller].client.raw(
      'DELETE',
      `${base(world)}/members/${target.user.id}`,
    );
    expectStatus(res, expected, world);
    expect(await roleIn(world, target.user.id)).toBe(res.status === 204 ? null : targetRole);
    if (res.status === 204) await expectNoLongerMember(world, target);
  };
}

function selfRemovalCell(how: 'DELETE' | 'leave'): Executor {
  return async ({ world, caller, expected }) => {
    const actor = await freshCaller(world, caller);
    const res =
      how === 'DELETE'
        ? await actor.client.raw('DELETE', `${base(world)}/members/${actor.user.id}`)
        : await actor.client.raw('POST', `${base(world)}/leave`);
    expectStatus(res, expected, world);
    expect(await roleIn(world, actor.user.id)).toBe(res.status === 204 ? null : ROLE_OF[caller]);
    if (res.status === 204) await expectNoLongerMember(world, actor);
  };
}

function decideCell(decision: 'approve' | 'reject'): Executor {
  return async ({ world, caller, expected }) => {
    const host = world.requestHost;
    const requester = await world.h.take(`${world.visibility} requester`);
    const request = await requester.client.coalitions.requestToJoin(
      host.coalitionId,
      requester.orgId,
    );
    const res = await world.people[caller].client.raw<JoinRequest>(
      'POST',
      `${base(world)}/join-requests/${request.id}/${decision}`,
    );
    expectStatus(res, expected, world);

    const decided = res.status === 200;
    const status = decided ? (decision === 'approve' ? 'approved' : 'rejected') : 'pending';
    if (decided)
      expect(res.body).toMatchObject({ id: request.id, userId: requester.user.id, status });
    const pending = await host.organiser.client.coalitions.joinRequests(host.coalitionId, {
      status: 'pending',
      limit: 100,
    });
    expect(pending.items.some((r) => r.id === request.id)).toBe(!decided);
    const requesterView = await requester.client.coalitions.get(host.coalitionId);
    expect(requesterView.myRole).toBe(status === 'approved' ? 'member' : null);
  };
}

function inviteCell(role: CoalitionRole): Executor {
  return async ({ world, caller, expected }) => {
    const email = uniqueEmail(`invitee-${role}`);
    const res = await world.people[caller].client.raw<CreatedInvitation>(
      'POST',
      `${base(world)}/invitations`,
      { body: { email, role } },
    );
    expectStatus(res, expected, world);
    if (res.status === 201) {
      expect(res.body).toMatchObject({ coalitionId: world.coalition.id, email, role });
      expect(res.body.token).toEqual(expect.any(String));
    }
    // Newest first: a stored invitation would lead the organiser's list.
    const listed = await world.people.organiser.client.coalitions.invitations(world.coalition.id, {
      limit: 100,
    });
    expect(listed.items.filter((i) => i.email === email).map((i) => i.role)).toEqual(
      res.status === 201 ? [role] : [],
    );
  };
}

const ROUTES = {
  'GET detail': async ({ world, caller, expected }) => {
    const res = await world.people[caller].client.raw<CoalitionDetail>('GET', base(world));
    expectStatus(res, expected, world);
    if (res.status !== 200) return;
    const role = ROLE_OF[caller];
    expect(res.body).toMatchObject({
      id: world.coalition.id,
      visibility: world.visibility,
      myRole: role,
    });
    if (role) {
      expect(res.body.members?.map((m) => [m.userId, m.role])).toEqual(
        expect.arrayContaining([
          [world.people[caller].user.id, role],
          [world.people.organiser.user.id, 'organiser'],
        ]),
      );
    } else {
      // A public coalition shows outsiders what it is, not who is in it.
      expect(res.body).not.toHaveProperty('members');
      for (const insider of ['organiser', 'moderator', 'member', 'observer'] as const) {
        expect(res.text).not.toContain(world.people[insider].user.id);
      }
    }
  },
  'GET list ?q': (cell) => listCell(cell, { q: cell.world.token }),
  'GET list ?recommendationId': (cell) =>
    listCell(cell, { recommendationId: cell.world.recommendationId }),
  'GET list ?mine=true': (cell) => listCell(cell, { mine: 'true', q: cell.world.token }),
  'GET recommendation :code': async ({ world, caller, expected }) => {
    const res = await world.people[caller].client.raw<RecommendationDetail>(
      'GET',
      `/recommendations/${world.recommendationCode}`,
    );
    expect(res.status).toBe(200);
    expect({
      coalitionCount: res.body.coalitionCount,
      ids: res.body.coalitions.map((c) => c.id),
    }).toEqual(
      isListed(expected)
        ? { coalitionCount: 1, ids: [world.coalition.id] }
        : { coalitionCount: 0, ids: [] },
    );
    if (!isListed(expected)) expect(res.text).not.toContain(world.token);
  },
  'POST join-requests': async ({ world, caller, expected }) => {
    const person = world.people[caller];
    const res = await person.client.raw<JoinRequest>('POST', `${base(world)}/join-requests`, {
      body: { organisationId: person.orgId, message: 'Let us in' },
    });
    expectStatus(res, expected, world);
    if (res.status === 201) {
      expect(res.body).toMatchObject({
        coalitionId: world.coalition.id,
        userId: person.user.id,
        organisationId: person.orgId,
        status: 'pending',
      });
    }
    const pending = await world.people.organiser.client.coalitions.joinRequests(
      world.coalition.id,
      { status: 'pending', limit: 100 },
    );
    expect(pending.items.filter((r) => r.userId === person.user.id).length).toBe(
      res.status === 201 ? 1 : 0,
    );
    expect(await roleIn(world, person.user.id)).toBe(ROLE_OF[caller]);
  },
  'GET join-requests': async ({ world, caller, expected }) => {
    const res = await world.people[caller].client.raw<Page<JoinRequest>>(
      'GET',
      `${base(world)}/join-requests`,
    );
    expectStatus(res, expected, world);
    if (res.status === 200) expect(res.body).toMatchObject({ items: expect.any(Array), page: 1 });
  },
  'POST approve': decideCell('approve'),
  'POST reject': decideCell('reject'),
  'POST invitations {observer}': inviteCell('observer'),
  'POST invitations {member}': inviteCell('member'),
  'POST invitations {moderator}': inviteCell('moderator'),
  'POST invitations {organiser}': inviteCell('organiser'),
  'GET invitations': async ({ world, caller, expected }) => {
    const res = await world.people[caller].client.raw<Page<Invitation>>(
      'GET',
      `${base(world)}/invitations`,
    );
    expectStatus(res, expected, world);
    if (res.status === 200) {
      expect(res.body.items.length).toBeGreaterThan(0);
      expect(res.text).not.toContain('tokenHash');
    }
  },
  'PATCH observer → member': patchCell('observer', 'member'),
  'PATCH member → observer': patchCell('member', 'observer'),
  'PATCH member → moderator': patchCell('member', 'moderator'),
  'PATCH moderator → member': patchCell('moderator', 'member'),
  'PATCH member → organiser': patchCell('member', 'organiser'),
  'PATCH organiser → moderator': patchCell('organiser', 'moderator'),
  'PATCH member → member (unchanged)': patchCell('member', 'member'),
  'PATCH non-member → member': async ({ world, caller, expected }) => {
    const res = await world.people[caller].client.raw(
      'PATCH',
      `${base(world)}/members/${world.stranger.user.id}`,
      { body: { role: 'member' } },
    );
    expectStatus(res, expected, world);
    expect(await roleIn(world, world.stranger.user.id)).toBeNull();
  },
  'PATCH self ↓ one rank': selfPatchCell(-1),
  'PATCH self ↑ one rank': selfPatchCell(1),
  'DELETE observer': removeCell('observer'),
  'DELETE member': removeCell('member'),
  'DELETE moderator': removeCell('moderator'),
  'DELETE organiser': removeCell('organiser'),
  'DELETE self': selfRemovalCell('DELETE'),
  'DELETE non-member': async ({ world, caller, expected }) => {
    const res = await world.people[caller].client.raw(
      'DELETE',
      `${base(world)}/members/${world.stranger.user.id}`,
    );
    expectStatus(res, expected, world);
    expect(await roleIn(world, world.stranger.user.id)).toBeNull();
  },
  'POST leave': selfRemovalCell('leave'),
  'GET audit': async ({ world, caller, expected }) => {
    const res = await world.people[caller].client.raw<AuditPage>('GET', `${base(world)}/audit`);
    expectStatus(res, expected, world);
    if (res.status === 200) {
      expect(res.body.integrity.ok).toBe(true);
      expect(res.body.total).toBeGreaterThan(0);
    }
  },
} satisfies Record<string, Executor>;
type Route = keyof typeof ROUTES;

/*
 * THE TABLE. Columns: outsider (signed in, no membership), observer, member, moderator,
 * organiser, platformAdmin (in ADMIN_EMAILS, not a member). null: no such cell.
 * - list-like routes: 'listed' / 'absent' (the fixture coalition in the results, and in `total`);
 * - PATCH/DELETE act on a fresh member holding the named role, invited for that cell;
 * - "self" cells and POST leave act with a fresh person in the caller's position (so an
 *   organiser there has a co-organiser; the last organiser is covered further down);
 * - "non-member" targets a signed-in user who is in no coalition;
 * - private approve/reject: a private coalition takes no join requests, so the request id is
 *   of a request pending on another, public coalition, unreachable through this one (404).
 */
// prettier-ignore
const MATRIX: readonly (readonly [Route, CoalitionVisibility, Cell, Cell, Cell, Cell, Cell, Cell])[] = [
  // route                               visibility outsider  observer  member    moderator organiser platformAdmin
  ['GET detail',                         'public',  200,      200,      200,      200,      200,      200     ],
  ['GET detail',                         'private', 404,      200,      200,      200,      200,      404     ],
  ['GET list ?q',                        'public',  'listed', 'listed', 'listed', 'listed', 'listed', 'listed'],
  ['GET list ?q',                        'private', 'absent', 'listed', 'listed', 'listed', 'listed', 'absent'],
  ['GET list ?recommendationId',         'public',  'listed', 'listed', 'listed', 'listed', 'listed', 'listed'],
  ['GET list ?recommendationId',         'private', 'absent', 'listed', 'listed', 'listed', 'listed', 'absent'],
  ['GET list ?mine=true',                'public',  'absent', 'listed', 'listed', 'listed', 'listed', 'absent'],
  ['GET list ?mine=true',                'private', 'absent', 'listed', 'listed', 'listed', 'listed', 'absent'],
  ['GET recommendation :code',           'public',  'listed', 'listed', 'listed', 'listed', 'listed', 'listed'],
  ['GET recommendation :code',           'private', 'absent', 'listed', 'listed', 'listed', 'listed', 'absent'],
  ['POST join-requests',                 'public',  201,      409,      409,      409,      409,      201     ],
  ['POST join-requests',                 'private', 404,      409,      409,      409,      409,      404     ],
  ['GET join-requests',                  'public',  403,      403,      403,      200,      200,      403     ],
  ['GET join-requests',                  'private', 404,      403,      403,      200,      200,      404     ],
  ['POST approve',                       'public',  403,      403,      403,      200,      200,      403     ],
  ['POST approve',                       'private', 404,      403,      403,      404,      404,      404     ],
  ['POST reject',                        'public',  403,      403,      403,      200,      200,      403     ],
  ['POST reject',                        'private', 404,      403,      403,      404,      404,      404     ],
  ['POST invitations {observer}',        'public',  403,      403,      403,      201,      201,      403     ],
  ['POST invitations {observer}',        'private', 404,      403,      403,      201,      201,      404     ],
  ['POST invitations {member}',          'public',  403,      403,      403,      201,      201,      403     ],
  ['POST invitations {member}',          'private', 404,      403,      403,      201,      201,      404     ],
  ['POST invitations {moderator}',       'public',  403,      403,      403,      403,      201,      403     ],
  ['POST invitations {moderator}',       'private', 404,      403,      403,      403,      201,      404     ],
  ['POST invitations {organiser}',       'public',  403,      403,      403,      403,      201,      403     ],
  ['POST invitations {organiser}',       'private', 404,      403,      403,      403,      201,      404     ],
  ['GET invitations',                    'public',  403,      403,      403,      200,      200,      403     ],
  ['GET invitations',                    'private', 404,      403,      403,      200,      200,      404     ],
  ['PATCH observer → member',            'public',  403,      403,      403,      200,      200,      403     ],
  ['PATCH observer → member',            'private', 404,      403,      403,      200,      200,      404     ],
  ['PATCH member → observer',            'public',  403,      403,      403,      200,      200,      403     ],
  ['PATCH member → observer',            'private', 404,      403,      403,      200,      200,      404     ],
  ['PATCH member → moderator',           'public',  403,      403,      403,      403,      200,      403     ],
  ['PATCH member → moderator',           'private', 404,      403,      403,      403,      200,      404     ],
  ['PATCH moderator → member',           'public',  403,      403,      403,      403,      200,      403     ],
  ['PATCH moderator → member',           'private', 404,      403,      403,      403,      200,      404     ],
  ['PATCH member → organiser',           'public',  403,      403,      403,      403,      200,      403     ],
  ['PATCH member → organiser',           'private', 404,      403,      403,      403,      200,      404     ],
  ['PATCH organiser → moderator',        'public',  403,      403,      403,      403,      403,      403     ],
  ['PATCH organiser → moderator',        'private', 404,      403,      403,      403,      403,      404     ],
  ['PATCH member → member (unchanged)',  'public',  403,      403,      403,      200,      200,      403     ],
  ['PATCH member → member (unchanged)',  'private', 404,      403,      403,      200,      200,      404     ],
  ['PATCH non-member → member',          'public',  403,      404,      404,      404,      404,      403     ],
  ['PATCH non-member → member',          'private', 404,      404,      404,      404,      404,      404     ],
  ['PATCH self ↓ one rank',              'public',  403,      null,     200,      200,      200,      403     ],
  ['PATCH self ↓ one rank',              'private', 404,      null,     200,      200,      200,      404     ],
  ['PATCH self ↑ one rank',              'public',  403,      403,      403,      403,      null,     403     ],
  ['PATCH self ↑ one rank',              'private', 404,      403,      403,      403,      null,     404     ],
  ['DELETE observer',                    'public',  403,      403,      403,      204,      204,      403     ],
  ['DELETE observer',                    'private', 404,      403,      403,      204,      204,      404     ],
  ['DELETE member',                      'public',  403,      403,      403,      204,      204,      403     ],
  ['DELETE member',                      'private', 404,      403,      403,      204,      204,      404     ],
  ['DELETE moderator',                   'public',  403,      403,      403,      403,      204,      403     ],
  ['DELETE moderator',                   'private', 404,      403,      403,      403,      204,      404     ],
  ['DELETE organiser',                   'public',  403,      403,      403,      403,      403,      403     ],
  ['DELETE organiser',                   'private', 404,      403,      403,      403,      403,      404     ],
  ['DELETE self',                        'public',  403,      204,      204,      204,      204,      403     ],
  ['DELETE self',                        'private', 404,      204,      204,      204,      204,      404     ],
  ['DELETE non-member',                  'public',  403,      404,      404,      404,      404,      403     ],
  ['DELETE non-member',                  'private', 404,      404,      404,      404,      404,      404     ],
  ['POST leave',                         'public',  403,      204,      204,      204,      204,      403     ],
  ['POST leave',                         'private', 404,      204,      204,      204,      204,      404     ],
  ['GET audit',                          'public',  403,      403,      403,      403,      200,      403     ],
  ['GET audit',                          'private', 404,      403,      403,      403,      200,      404     ],
];

/** How many new people a cell of the route takes (targets, requesters, stand-ins for the caller). */
const FRESH_PEOPLE: Partial<Record<Route, number>> = {
  'POST approve': 1,
  'POST reject': 1,
  'PATCH observer → member': 1,
  'PATCH member → observer': 1,
  'PATCH member → moderator': 1,
  'PATCH moderator → member': 1,
  'PATCH member → organiser': 1,
  'PATCH organiser → moderator': 1,
  'PATCH member → member (unchanged)': 1,
  'PATCH self ↓ one rank': 1,
  'PATCH self ↑ one rank': 1,
  'DELETE observer': 1,
  'DELETE member': 1,
  'DELETE moderator': 1,
  'DELETE organiser': 1,
  'DELETE self': 1,
  'POST leave': 1,
};

/** Routes grouped so that each group runs on a small database of its own (see Harness). */
const GROUPS: Record<string, Route[]> = {
  'reads and lists': [
    'GET detail',
    'GET list ?q',
    'GET list ?recommendationId',
    'GET list ?mine=true',
    'GET recommendation :code',
    'GET join-requests',
    'GET invitations',
    'GET audit',
  ],
  'join requests and invitations': [
    'POST join-requests',
    'POST approve',
    'POST reject',
    'POST invitations {observer}',
    'POST invitations {member}',
    'POST invitations {moderator}',
    'POST invitations {organiser}',
  ],
  'role changes by rank': [
    'PATCH observer → member',
    'PATCH member → observer',
    'PATCH member → moderator',
    'PATCH moderator → member',
  ],
  'role changes: organisers, no-ops, non-members, oneself': [
    'PATCH member → organiser',
    'PATCH organiser → moderator',
    'PATCH member → member (unchanged)',
    'PATCH non-member → member',
    'PATCH self ↓ one rank',
    'PATCH self ↑ one rank',
  ],
  removals: ['DELETE observer', 'DELETE member', 'DELETE moderator', 'DELETE organiser'],
  leaving: ['DELETE self', 'DELETE non-member', 'POST leave'],
};

interface MatrixCell {
  title: string;
  route: Route;
  caller: Caller;
  expected: Outcome;
}

function cellsFor(visibility: CoalitionVisibility, routes: Route[]): MatrixCell[] {
  return MATRIX.filter(([route, v]) => v === visibility && routes.includes(route)).flatMap(
    ([route, , ...outcomes]) =>
      CALLERS.flatMap((caller, i) => {
        const expected = outcomes[i];
        if (expected === null) return [];
        const title = `${visibility} · ${caller} · ${route} → ${expected}`;
        return [{ title, route, caller, expected }];
      }),
  );
}

describe('coalition authorization matrix (real engine, real HTTP)', () => {
  it('has exactly one table row per route and visibility, and every route in one group', () => {
    const keys = MATRIX.map(([route, visibility]) => `${route} / ${visibility}`);
    expect(new Set(keys).size).toBe(keys.length);
    const expectedKeys = Object.keys(ROUTES).flatMap((route) =>
      VISIBILITIES.map((visibility) => `${route} / ${visibility}`),
    );
    expect([...keys].sort()).toEqual([...expectedKeys].sort());
    expect(Object.values(GROUPS).flat().sort()).toEqual(Object.keys(ROUTES).sort());
  });

  describe.each(Object.entries(GROUPS))('%s', (group, routes) => {
    describe.each(VISIBILITIES)('%s coalition', (visibility) => {
      const h = new Harness();
      const cells = cellsFor(visibility, routes);
      let world: World;

      beforeAll(async () => {
        await h.start();
        world = await buildWorld(h, visibility);
        await h.prepare(cells.reduce((n, cell) => n + (FRESH_PEOPLE[cell.route] ?? 0), 0));
      }, SETUP_TIMEOUT_MS);

      afterAll(() => h.close());

      it(`${visibility} · fixture (${group}): roles made through the API, a platform admin outside`, async () => {
        const detail = await world.people.organiser.client.coalitions.get(world.coalition.id);
        expect(Object.fromEntries(detail.members!.map((m) => [m.userId, m.role]))).toEqual({
          [world.people.organiser.user.id]: 'organiser',
          [world.people.moderator.user.id]: 'moderator',
          [world.people.member.user.id]: 'member',
          [world.people.observer.user.id]: 'observer',
        });
        expect(detail.visibility).toBe(visibility);
        expect(world.people.platformAdmin.user.platformRole).toBe('admin');
        expect(world.people.outsider.user.platformRole).toBe('user');
      });

      it.each(cells)('$title', async ({ route, caller, expected }) => {
        await ROUTES[route]({ world, caller, expected });
      });
    });
  });
});

/** The last organiser cannot step down or leave, in a coalition of their own. */
// prettier-ignore
const LAST_ORGANISER: readonly (readonly [string, (c: AccordClient, id: string, me: string) => Promise<RawResponse>, 409])[] = [
  ['POST leave',              (c, id) => c.raw('POST', `/coalitions/${id}/leave`),                                           409],
  ['DELETE self',             (c, id, me) => c.raw('DELETE', `/coalitions/${id}/members/${me}`),                             409],
  ['PATCH self → moderator',  (c, id, me) => c.raw('PATCH', `/coalitions/${id}/members/${me}`, { body: { role: 'moderator' } }), 409],
  ['PATCH self → observer',   (c, id, me) => c.raw('PATCH', `/coalitions/${id}/members/${me}`, { body: { role: 'observer' } }),  409],
];

describe.each(VISIBILITIES)('the last organiser of a %s coalition', (visibility) => {
  const h = new Harness();
  beforeAll(() => h.start(), SETUP_TIMEOUT_MS);
  afterAll(() => h.close());

  it.each(LAST_ORGANISER.map(([name, act, status]) => ({ name, act, status })))(
    `${visibility} · sole organiser · $name → $status`,
    async ({ act, status }) => {
      const [organiser, member] = await Promise.all([
        h.newPerson('sole organiser'),
        h.newPerson('their member'),
      ]);
      const recommendation = await organiser.client.recommendations.get(OTHER_RECOMMENDATION);
      const coalition = await organiser.client.coalitions.create({
        name: `Sole ${hex()}`,
        purpose: 'One organiser only',
        visibility,
        recommendationIds: [recommendation.id],
        organisationId: organiser.orgId,
      });
      const invitation = await organiser.client.coalitions.invite(coalition.id, {
        email: member.email,
        role: 'member',
        organisationId: member.orgId,
      });
      await member.client.invitations.accept(invitation.token);

      const res = await act(organiser.client, coalition.id, organiser.user.id);
      expect({ status: res.status, body: res.body }).toMatchObject({
        status,
        body: { statusCode: status, code: ERROR_CODES[status] },
      });
      const after = await organiser.client.coalitions.get(coalition.id);
      expect(after.myRole).toBe('organiser');
      expect(after.members?.map((m) => [m.userId, m.role])).toEqual([
        [organiser.user.id, 'organiser'],
        [member.user.id, 'member'],
      ]);

      // With a second organiser, the first may go.
      await organiser.client.coalitions.changeRole(coalition.id, member.user.id, 'organiser');
      const again = await act(organiser.client, coalition.id, organiser.user.id);
      expect(again.status).toBeLessThan(300);
      expect((await member.client.coalitions.get(coalition.id)).members).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ userId: member.user.id, role: 'organiser' }),
        ]),
      );
    },
  );
});

describe('without a sign-in, and with ids that name nothing', () => {
  const h = new Harness();
  let organiser: Person;
  let member: Person;
  let outsider: Person;
  let coalitions: Record<CoalitionVisibility, string>;
  let pendingRequest: string;
  let invitationToken: string;

  afterAll(() => h.close());

  beforeAll(async () => {
    await h.start();
    [organiser, member, outsider] = await Promise.all([
      h.newPerson('401 organiser'),
      h.newPerson('401 member'),
      h.newPerson('401 outsider'),
    ]);
    const recommendation = await organiser.client.recommendations.get(OTHER_RECOMMENDATION);
    const created = await Promise.all(
      VISIBILITIES.map((visibility) =>
        organiser.client.coalitions.create({
          name: `Anonymous check ${hex()}`,
          purpose: 'Nobody gets in without a sign-in',
          visibility,
          recommendationIds: [recommendation.id],
          organisationId: organiser.orgId,
        }),
      ),
    );
    coalitions = { public: created[0].id, private: created[1].id };
    for (const id of Object.values(coalitions)) {
      const invitation = await organiser.client.coalitions.invite(id, {
        email: member.email,
        role: 'member',
        organisationId: member.orgId,
      });
      await member.client.invitations.accept(invitation.token);
    }
    pendingRequest = (
      await outsider.client.coalitions.requestToJoin(coalitions.public, outsider.orgId)
    ).id;
    invitationToken = (
      await organiser.client.coalitions.invite(coalitions.private, {
        email: outsider.email,
        role: 'organiser',
      })
    ).token;
  }, SETUP_TIMEOUT_MS);

  /** Every coalition route: method, path, body; `:id` is the coalition. */
  const routes = (): [string, string, unknown?][] => [
    ['GET', '/coalitions/:id'],
    ['POST', '/coalitions/:id/join-requests', { organisationId: outsider.orgId }],
    ['GET', '/coalitions/:id/join-requests'],
    ['POST', `/coalitions/:id/join-requests/${pendingRequest}/approve`],
    ['POST', `/coalitions/:id/join-requests/${pendingRequest}/reject`],
    ['POST', '/coalitions/:id/invitations', { email: outsider.email, role: 'organiser' }],
    ['GET', '/coalitions/:id/invitations'],
    ['PATCH', `/coalitions/:id/members/${member.user.id}`, { role: 'organiser' }],
    ['DELETE', `/coalitions/:id/members/${member.user.id}`],
    ['POST', '/coalitions/:id/leave'],
    ['GET', '/coalitions/:id/audit'],
  ];
  const ROUTE_NAMES = [
    'GET /coalitions/:id',
    'POST /coalitions/:id/join-requests',
    'GET /coalitions/:id/join-requests',
    'POST /coalitions/:id/join-requests/:requestId/approve',
    'POST /coalitions/:id/join-requests/:requestId/reject',
    'POST /coalitions/:id/invitations',
    'GET /coalitions/:id/invitations',
    'PATCH /coalitions/:id/members/:userId',
    'DELETE /coalitions/:id/members/:userId',
    'POST /coalitions/:id/leave',
    'GET /coalitions/:id/audit',
  ];

  /** Members and roles of both coalitions, and the pending request: what no failed call may change. */
  const snapshot = async () => ({
    members: await Promise.all(
      VISIBILITIES.map(async (v) =>
        (await organiser.client.coalitions.get(coalitions[v])).members?.map((m) => [
          m.userId,
          m.role,
        ]),
      ),
    ),
    pending: (
      await organiser.client.coalitions.joinRequests(coalitions.public, { status: 'pending' })
    ).items.map((r) => r.id),
    invitations: (await organiser.client.coalitions.invitations(coalitions.private)).total,
  });

  it.each(VISIBILITIES.flatMap((v) => ROUTE_NAMES.map((name, i) => ({ v, name, i }))))(
    '$v · no token · $name → 401',
    async ({ v, i }) => {
      const before = await snapshot();
      const [method, path, body] = routes()[i];
      for (const client of [h.api, h.api.withToken('not.a.token'), h.api.withToken(hex(16))]) {
        const res = await client.raw(method, path.replace(':id', coalitions[v]), { body });
        expect({ status: res.status, body: res.body }).toMatchObject({
          status: 401,
          body: { statusCode: 401, code: 'UNAUTHORIZED' },
        });
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each([
    ['GET', '/coalitions', undefined],
    ['GET', '/coalitions?q=Anonymous', undefined],
    ['POST', '/coalitions', { name: 'Ghost', purpose: 'x', visibility: 'private' }],
    ['GET', '/recommendations/WP1515-6', undefined],
    ['GET', '/invitations', undefined],
    ['POST', '/invitations/:token/accept', {}],
  ] as const)('no token · %s %s → 401', async (method, path, body) => {
    const res = await h.api.raw(method, path.replace(':token', invitationToken), { body });
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 401,
      body: { statusCode: 401, code: 'UNAUTHORIZED' },
    });
    expect(res.text).not.toContain('Anonymous check');
  });

  it.each(ROUTE_NAMES.map((name, i) => ({ name, i })))(
    'malformed, unknown and hidden coalition ids answer one identical 404 · $name',
    async ({ i }) => {
      const before = await snapshot();
      const [method, path, body] = routes()[i];
      const answers: { status: number; body: unknown }[] = [];
      for (const [client, id] of [
        [organiser.client, 'not-an-id'],
        [organiser.client, `${coalitions.private}x`],
        [organiser.client, '0'.repeat(24)],
        [organiser.client, hex(12)],
        [outsider.client, coalitions.private],
      ] as const) {
        const res = await client.raw<{ correlationId?: string }>(
          method,
          path.replace(':id', encodeURIComponent(id)),
          { body },
        );
        const { correlationId: _ignored, ...rest } = res.body ?? {};
        answers.push({ status: res.status, body: rest });
      }
      expect(answers[0]).toMatchObject({
        status: 404,
        body: { statusCode: 404, code: 'NOT_FOUND' },
      });
      // A private coalition is indistinguishable from one that does not exist.
      for (const answer of answers) expect(answer).toEqual(answers[0]);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('answers 404 to a member for a malformed member or request id', async () => {
    for (const [method, path, body] of [
      ['PATCH', `/coalitions/${coalitions.public}/members/not-an-id`, { role: 'member' }],
      ['DELETE', `/coalitions/${coalitions.public}/members/not-an-id`, undefined],
      ['POST', `/coalitions/${coalitions.public}/join-requests/not-an-id/approve`, undefined],
      ['POST', `/coalitions/${coalitions.public}/join-requests/${hex(12)}/reject`, undefined],
    ] as const) {
      const res = await organiser.client.raw(method, path, { body });
      expect({ method, path, status: res.status, body: res.body }).toMatchObject({
        status: 404,
        body: { code: 'NOT_FOUND' },
      });
    }
  });
});
