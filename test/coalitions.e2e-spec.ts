import {
  type AccordClient,
  type CoalitionDetail,
  type CoalitionRole,
  type CoalitionVisibility,
  type CreatedInvitation,
  type JoinRequest,
  type Organisation,
  type RawResponse,
  type StakeholderType,
} from '@accord/client';
import { MongoClient, ObjectId } from 'mongodb';
import {
  createOrganisation,
  registerUser,
  type TestUser,
  uniqueEmail,
  uniqueName,
} from './support/factories';
import { apiError } from './support/helpers';
import { startTestApp, type TestApp } from './support/test-app';

/** The fields named in an error's details. */
function fieldsOf(res: RawResponse): string[] {
  const details = (res.body as { details?: { field: string }[] }).details ?? [];
  return details.map((d) => d.field).sort();
}

/** Someone with an organisation of their own (they are its admin). */
interface Person extends TestUser {
  org: Organisation;
}

const ZERO_MIX: Record<StakeholderType, number> = {
  state: 0,
  ngo: 0,
  business: 0,
  union: 0,
  academia: 0,
  intergovernmental: 0,
  nhri: 0,
  other: 0,
};

describe('coalitions (real engine, real HTTP)', () => {
  let t: TestApp;
  let api: AccordClient;
  let mongo: MongoClient;
  /** Ids of catalogue recommendations WP1515-49 and WP1515-50. */
  let rec49: string;
  let rec50: string;

  beforeAll(async () => {
    t = await startTestApp();
    api = t.client();
    mongo = await MongoClient.connect(t.mongodbUri);
    const reader = await registerUser(api);
    rec49 = (await reader.client.recommendations.get('WP1515-49')).id;
    rec50 = (await reader.client.recommendations.get('WP1515-50')).id;
  });

  afterAll(async () => {
    await mongo?.close();
    await t?.close();
  });

  const coalitionsStored = () => mongo.db().collection('coalitions');
  const membersStored = () => mongo.db().collection('coalition_members');
  const requestsStored = () => mongo.db().collection('coalition_join_requests');
  const invitationsStored = () => mongo.db().collection('coalition_invitations');

  async function person(
    stakeholderType: StakeholderType = 'ngo',
    overrides: { email?: string; displayName?: string } = {},
  ): Promise<Person> {
    const user = await registerUser(api, overrides);
    const org = await createOrganisation(user, { stakeholderType });
    return { ...user, org };
  }

  /** A colleague in `of`'s organisation (no organisation of their own). */
  async function colleagueOf(of: Person): Promise<Person> {
    const user = await registerUser(api);
    await of.client.organisations.addMember(of.org.id, user.email, 'member');
    return { ...user, org: of.org };
  }

  async function newCoalition(
    creator: Person,
    visibility: CoalitionVisibility = 'public',
  ): Promise<CoalitionDetail> {
    return creator.client.coalitions.create({
      name: uniqueName('Coalition'),
      purpose: 'Implement the recommendation together',
      visibility,
      recommendationIds: [rec49],
      organisationId: creator.org.id,
    });
  }

  /** Joins through a join request the organiser approves (public coalitions). */
  async function joinByRequest(c: CoalitionDetail, organiser: TestUser, who: Person) {
    const request = await who.client.coalitions.requestToJoin(c.id, who.org.id);
    return organiser.client.coalitions.approveJoinRequest(c.id, request.id);
  }

  /** Joins through an invitation naming their organisation and role. */
  async function joinByInvitation(
    c: CoalitionDetail,
    organiser: TestUser,
    who: Person,
    role: CoalitionRole = 'member',
  ) {
    const invitation = await organiser.client.coalitions.invite(c.id, {
      email: who.email,
      role,
      organisationId: who.org.id,
    });
    return who.client.invitations.accept(invitation.token);
  }

  /** Role of each member, as the given member sees the coalition. */
  async function rolesSeenBy(viewer: TestUser, coalitionId: string) {
    const detail = await viewer.client.coalitions.get(coalitionId);
    return Object.fromEntries((detail.members ?? []).map((m) => [m.userId, m.role]));
  }

  function storedMembers(coalitionId: string) {
    return membersStored()
      .find({ coalitionId: new ObjectId(coalitionId) })
      .toArray();
  }

  const TYPES: StakeholderType[] = ['state', 'business', 'union', 'academia', 'nhri'];

  /**
   * A coalition with its organiser and one person per role in `roles` (each with an organisation
   * of their own), who joined by invitation; `people` follows the order of `roles`.
   */
  async function staffed(visibility: CoalitionVisibility, roles: CoalitionRole[]) {
    const [organiser, ...people] = await Promise.all([
      person('ngo'),
      ...roles.map((_, i) => person(TYPES[i % TYPES.length])),
    ]);
    const c = await newCoalition(organiser, visibility);
    await Promise.all(people.map((p, i) => joinByInvitation(c, organiser, p, roles[i])));
    return { c, organiser, people };
  }

  // ---------------------------------------------------------------------------------------------

  describe('create', () => {
    it('answers 201 and makes the creator its organiser, acting for their organisation', async () => {
      const ana = await person('nhri', { displayName: 'Ana Duarte' });
      const name = uniqueName('Supply chains');
      const res = await ana.client.raw<CoalitionDetail>('POST', '/coalitions', {
        body: {
          name,
          purpose: 'Due diligence in supply chains',
          visibility: 'private',
          recommendationIds: [rec49, rec50],
          organisationId: ana.org.id,
        },
      });
      expect(res.status).toBe(201);
      const c = res.body;
      expect(c).toMatchObject({
        name,
        purpose: 'Due diligence in supply chains',
        visibility: 'private',
        status: 'active',
        recommendationIds: [rec49, rec50],
        myRole: 'organiser',
        memberCount: 1,
        members: [
          {
            userId: ana.user.id,
            displayName: 'Ana Duarte',
            organisationId: ana.org.id,
            role: 'organiser',
          },
        ],
        organisations: [{ id: ana.org.id, stakeholderType: 'nhri', name: ana.org.name }],
        stakeholderMix: {
          counts: { ...ZERO_MIX, nhri: 1 },
          organisations: 1,
          types: 1,
          multiStakeholder: false,
        },
      });
      expect(c.recommendations.map((r) => r.code).sort()).toEqual(['WP1515-49', 'WP1515-50']);
      expect(c.id).toMatch(/^[0-9a-f]{24}$/);
      expect(new Date(c.createdAt).toISOString()).toBe(c.createdAt);

      expect(await ana.client.coalitions.get(c.id)).toMatchObject({
        id: c.id,
        myRole: 'organiser',
        memberCount: 1,
      });
      const stored = await storedMembers(c.id);
      expect(stored.map((m) => [m.userId.toString(), m.organisationId.toString(), m.role])).toEqual(
        [[ana.user.id, ana.org.id, 'organiser']],
      );
    });

    it('lets a plain member (not an admin) of the organisation create for it', async () => {
      const admin = await person('union');
      const colleague = await colleagueOf(admin);
      const c = await newCoalition(colleague);
      expect(c.myRole).toBe('organiser');
      expect(c.members).toEqual([
        expect.objectContaining({ userId: colleague.user.id, organisationId: admin.org.id }),
      ]);
    });

    it('refuses to act for an organisation the creator does not belong to: 403, nothing stored', async () => {
      const [creator, stranger] = await Promise.all([person(), person('state')]);
      for (const organisationId of [stranger.org.id, new ObjectId().toHexString()]) {
        const name = uniqueName('Borrowed flag');
        const res = await creator.client.raw('POST', '/coalitions', {
          body: {
            name,
            purpose: 'x',
            visibility: 'public',
            recommendationIds: [rec49],
            organisationId,
          },
        });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
        expect(await coalitionsStored().countDocuments({ name })).toBe(0);
      }
    });

    it.each([
      ['an empty list', () => []],
      ['an unknown id', () => [new ObjectId().toHexString()]],
      ['a malformed id', () => ['WP1515-49']],
      ['a known and an unknown id', () => [rec49, new ObjectId().toHexString()]],
      ['a repeated id', () => [rec49, rec49]],
      ['no list at all', () => undefined],
    ])('refuses recommendationIds as %s with 400 naming the field', async (_label, ids) => {
      const creator = await person();
      const name = uniqueName('Unanchored');
      const recommendationIds = ids();
      const res = await creator.client.raw('POST', '/coalitions', {
        body: {
          name,
          purpose: 'x',
          visibility: 'public',
          organisationId: creator.org.id,
          ...(recommendationIds === undefined ? {} : { recommendationIds }),
        },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION' });
      expect(new Set(fieldsOf(res))).toEqual(new Set(['recommendationIds']));
      expect((res.body as { message: string }).message).toMatch(/recommendation/i);
      expect(await coalitionsStored().countDocuments({ name })).toBe(0);
    });

    it('names the unknown recommendation id in the error', async () => {
      const creator = await person();
      const unknown = new ObjectId().toHexString();
      const error = await apiError(
        creator.client.coalitions.create({
          name: uniqueName('Ghost rec'),
          purpose: 'x',
          visibility: 'public',
          recommendationIds: [unknown],
          organisationId: creator.org.id,
        }),
      );
      expect(error.status).toBe(400);
      expect(error.details).toEqual([
        { field: 'recommendationIds', message: expect.stringContaining(unknown) },
      ]);
    });

    it('refuses an unknown field (e.g. members) with 400 naming it, and stores nothing', async () => {
      const creator = await person();
      const name = uniqueName('Stuffed');
      const res = await creator.client.raw('POST', '/coalitions', {
        body: {
          name,
          purpose: 'x',
          visibility: 'public',
          recommendationIds: [rec49],
          organisationId: creator.org.id,
          members: [{ userId: creator.user.id, role: 'organiser' }],
        },
      });
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['members']);
      expect((res.body as { message: string }).message).toContain('members');
      expect(await coalitionsStored().countDocuments({ name })).toBe(0);
    });

    it('refuses a bad visibility with 400 naming it', async () => {
      const creator = await person();
      const res = await creator.client.raw('POST', '/coalitions', {
        body: {
          name: uniqueName('Half open'),
          purpose: 'x',
          visibility: 'secret',
          recommendationIds: [rec49],
          organisationId: creator.org.id,
        },
      });
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['visibility']);
    });
  });

  // ---------------------------------------------------------------------------------------------

  describe('stakeholderMix', () => {
    it('counts the people of one organisation once', async () => {
      const founder = await person('ngo');
      const [c, colleague, another] = await Promise.all([
        newCoalition(founder),
        colleagueOf(founder),
        colleagueOf(founder),
      ]);
      await joinByRequest(c, founder, colleague);
      await joinByInvitation(c, founder, another, 'observer');

      const detail = await founder.client.coalitions.get(c.id);
      expect(detail.memberCount).toBe(3);
      expect(detail.stakeholderMix).toEqual({
        counts: { ...ZERO_MIX, ngo: 1 },
        organisations: 1,
        types: 1,
        multiStakeholder: false,
      });
      expect(detail.organisations.map((o) => o.id)).toEqual([founder.org.id]);
    });

    it('is multi-stakeholder with an ngo, a state and a business (join request + invitation)', async () => {
      const [ngo, state, business] = await Promise.all([
        person('ngo'),
        person('state'),
        person('business'),
      ]);
      const c = await newCoalition(ngo);
      await joinByRequest(c, ngo, state);
      const before = await ngo.client.coalitions.get(c.id);
      expect(before.stakeholderMix).toMatchObject({ types: 2, multiStakeholder: false });

      await joinByInvitation(c, ngo, business, 'member');

      const expected = {
        counts: { ...ZERO_MIX, ngo: 1, state: 1, business: 1 },
        organisations: 3,
        types: 3,
        multiStakeholder: true,
      };
      const detail = await business.client.coalitions.get(c.id);
      expect(detail.stakeholderMix).toEqual(expected);
      expect(detail.memberCount).toBe(3);
      expect(detail.organisations.map((o) => o.id).sort()).toEqual(
        [ngo.org.id, state.org.id, business.org.id].sort(),
      );
      // The list and the recommendation page show the same mix.
      const listed = await ngo.client.coalitions.list({ q: c.name });
      expect(listed.items.map((i) => [i.id, i.stakeholderMix])).toEqual([[c.id, expected]]);
      const rec = await ngo.client.recommendations.get('WP1515-49');
      expect(rec.coalitions.find((s) => s.id === c.id)).toMatchObject({
        memberOrganisationCount: 3,
        multiStakeholder: true,
      });
    });

    it('is not multi-stakeholder with two types, however many organisations', async () => {
      const [ngo, ngo2, state, state2] = await Promise.all([
        person('ngo'),
        person('ngo'),
        person('state'),
        person('state'),
      ]);
      const c = await newCoalition(ngo);
      await joinByRequest(c, ngo, ngo2);
      await joinByRequest(c, ngo, state);
      await joinByInvitation(c, ngo, state2, 'observer');

      const detail = await ngo.client.coalitions.get(c.id);
      expect(detail.stakeholderMix).toEqual({
        counts: { ...ZERO_MIX, ngo: 2, state: 2 },
        organisations: 4,
        types: 2,
        multiStakeholder: false,
      });
      expect(detail.memberCount).toBe(4);
    });
  });

  // ---------------------------------------------------------------------------------------------

  describe('join requests', () => {
    it('lets an outsider ask to join a public coalition; approval makes them a member', async () => {
      const [organiser, asker] = await Promise.all([
        person('ngo'),
        person('state', { displayName: 'Bea Okafor' }),
      ]);
      const c = await newCoalition(organiser);

      const res = await asker.client.raw<JoinRequest>('POST', `/coalitions/${c.id}/join-requests`, {
        body: { organisationId: asker.org.id, message: 'We lead on this at the ministry' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        coalitionId: c.id,
        userId: asker.user.id,
        displayName: 'Bea Okafor',
        organisationId: asker.org.id,
        message: 'We lead on this at the ministry',
        status: 'pending',
        decidedAt: null,
      });
      // Not a member yet.
      expect((await asker.client.coalitions.get(c.id)).myRole).toBeNull();

      const pending = await organiser.client.coalitions.joinRequests(c.id, { status: 'pending' });
      expect(pending.items.map((r) => r.id)).toEqual([res.body.id]);

      const approved = await organiser.client.coalitions.approveJoinRequest(c.id, res.body.id);
      expect(approved).toMatchObject({ id: res.body.id, status: 'approved' });
      expect(new Date(approved.decidedAt!).toISOString()).toBe(approved.decidedAt);

      const seen = await asker.client.coalitions.get(c.id);
      expect(seen.myRole).toBe('member');
      expect(seen.members?.find((m) => m.userId === asker.user.id)).toMatchObject({
        role: 'member',
        organisationId: asker.org.id,
      });
      expect(await requestsStored().findOne({ _id: new ObjectId(res.body.id) })).toMatchObject({
        status: 'approved',
        decidedBy: new ObjectId(organiser.user.id),
      });
    });

    it('answers 404 for a private coalition, as if it did not exist, and stores nothing', async () => {
      const [organiser, asker] = await Promise.all([person(), person('state')]);
      const c = await newCoalition(organiser, 'private');
      const error = await apiError(asker.client.coalitions.requestToJoin(c.id, asker.org.id));
      expect(error.status).toBe(404);
      expect(error.code).toBe('NOT_FOUND');
      expect(await requestsStored().countDocuments({ coalitionId: new ObjectId(c.id) })).toBe(0);
    });

    it('refuses to ask on behalf of an organisation the asker does not belong to (403)', async () => {
      const [organiser, asker] = await Promise.all([person(), person('state')]);
      const c = await newCoalition(organiser);
      const error = await apiError(asker.client.coalitions.requestToJoin(c.id, organiser.org.id));
      expect(error.status).toBe(403);
      expect(error.code).toBe('FORBIDDEN');
      expect(await requestsStored().countDocuments({ coalitionId: new ObjectId(c.id) })).toBe(0);
    });

    it('answers 409 to a second pending request, also when several arrive at once', async () => {
      const [organiser, asker] = await Promise.all([person(), person('state')]);
      const c = await newCoalition(organiser);
      await asker.client.coalitions.requestToJoin(c.id, asker.org.id);
      const again = await apiError(asker.client.coalitions.requestToJoin(c.id, asker.org.id));
      expect(again.status).toBe(409);
      expect(again.code).toBe('CONFLICT');

      const racer = await person('business');
      const results = await Promise.all(
        [1, 2, 3, 4].map(() =>
          racer.client.raw('POST', `/coalitions/${c.id}/join-requests`, {
            body: { organisationId: racer.org.id },
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      const stored = await requestsStored()
        .find({ coalitionId: new ObjectId(c.id) })
        .toArray();
      expect(stored.map((r) => r.userId.toString()).sort()).toEqual(
        [asker.user.id, racer.user.id].sort(),
      );
    });

    it('answers 409 to someone who already is a member', async () => {
      const [organiser, member] = await Promise.all([person(), person('state')]);
      const c = await newCoalition(organiser);
      await joinByRequest(c, organiser, member);
      for (const who of [organiser, member]) {
        const error = await apiError(who.client.coalitions.requestToJoin(c.id, who.org.id));
        expect(error.status).toBe(409);
      }
      expect(await requestsStored().countDocuments({ coalitionId: new ObjectId(c.id) })).toBe(1);
    });

    it('answers 409 to a second approval (or a rejection after it) and keeps one membership', async () => {
      const [organiser, asker] = await Promise.all([person(), person('state')]);
      const c = await newCoalition(organiser);
      const request = await asker.client.coalitions.requestToJoin(c.id, asker.org.id);
      await organiser.client.coalitions.approveJoinRequest(c.id, request.id);

      const twice = await apiError(
        organiser.client.coalitions.approveJoinRequest(c.id, request.id),
      );
      expect(twice.status).toBe(409);
      expect(twice.code).toBe('CONFLICT');
      const reject = await apiError(
        organiser.client.coalitions.rejectJoinRequest(c.id, request.id),
      );
      expect(reject.status).toBe(409);

      const mine = (await storedMembers(c.id)).filter((m) => m.userId.toString() === asker.user.id);
      expect(mine).toHaveLength(1);
      expect((await requestsStored().findOne({ _id: new ObjectId(request.id) }))?.status).toBe(
        'approved',
      );
    });

    it('lets exactly one of concurrent approvals win', async () => {
      const [organiser, moderator, asker] = await Promise.all([
        person(),
        person('business'),
        person('state'),
      ]);
      const c = await newCoalition(organiser);
      await joinByInvitation(c, organiser, moderator, 'moderator');
      const request = await asker.client.coalitions.requestToJoin(c.id, asker.org.id);
      const results = await Promise.all(
        [organiser, moderator, organiser].map((who) =>
          who.client.raw('POST', `/coalitions/${c.id}/join-requests/${request.id}/approve`),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      const mine = (await storedMembers(c.id)).filter((m) => m.userId.toString() === asker.user.id);
      expect(mine).toHaveLength(1);
    });

    it('rejection leaves the asker outside; lists filter by status', async () => {
      const [organiser, rejected, approved, waiting] = await Promise.all([
        person(),
        person('state'),
        person('business'),
        person('union'),
      ]);
      const c = await newCoalition(organiser);
      const r1 = await rejected.client.coalitions.requestToJoin(c.id, rejected.org.id);
      const r2 = await approved.client.coalitions.requestToJoin(c.id, approved.org.id);
      const r3 = await waiting.client.coalitions.requestToJoin(c.id, waiting.org.id);

      const decided = await organiser.client.coalitions.rejectJoinRequest(c.id, r1.id);
      expect(decided).toMatchObject({ id: r1.id, status: 'rejected' });
      await organiser.client.coalitions.approveJoinRequest(c.id, r2.id);

      const seen = await rejected.client.coalitions.get(c.id);
      expect(seen.myRole).toBeNull();
      expect(seen.members).toBeUndefined();
      expect((await storedMembers(c.id)).map((m) => m.userId.toString())).not.toContain(
        rejected.user.id,
      );

      const ids = async (status?: JoinRequest['status']) =>
        (await organiser.client.coalitions.joinRequests(c.id, status ? { status } : {})).items.map(
          (r) => r.id,
        );
      expect(await ids('pending')).toEqual([r3.id]);
      expect(await ids('approved')).toEqual([r2.id]);
      expect(await ids('rejected')).toEqual([r1.id]);
      expect((await ids()).sort()).toEqual([r1.id, r2.id, r3.id].sort());

      const bad = await organiser.client.raw('GET', `/coalitions/${c.id}/join-requests`, {
        query: { status: 'maybe' },
      });
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad)).toEqual(['status']);

      // A rejected asker may ask again.
      const retry = await rejected.client.coalitions.requestToJoin(c.id, rejected.org.id);
      expect(retry.status).toBe('pending');
    });

    it('lets moderators decide and refuses members (403)', async () => {
      const {
        c,
        people: [moderator, member],
      } = await staffed('public', ['moderator', 'member']);
      const asker = await person('nhri');
      const request = await asker.client.coalitions.requestToJoin(c.id, asker.org.id);
      expect((await apiError(member.client.coalitions.joinRequests(c.id))).status).toBe(403);
      expect(
        (await apiError(member.client.coalitions.approveJoinRequest(c.id, request.id))).status,
      ).toBe(403);
      expect((await rolesSeenBy(moderator, c.id))[asker.user.id]).toBeUndefined();
      await moderator.client.coalitions.approveJoinRequest(c.id, request.id);
      expect((await rolesSeenBy(moderator, c.id))[asker.user.id]).toBe('member');
    });
  });

  // ---------------------------------------------------------------------------------------------

  describe('invitations', () => {
    it('returns the token once; accepting it makes the invitee a member with the invited role', async () => {
      const [organiser, invitee] = await Promise.all([
        person('ngo'),
        person('state', { email: uniqueEmail('Invitee.Mixed') }),
      ]);
      const c = await newCoalition(organiser, 'private');

      const res = await organiser.client.raw<CreatedInvitation>(
        'POST',
        `/coalitions/${c.id}/invitations`,
        { body: { email: invitee.email, role: 'moderator', organisationId: invitee.org.id } },
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        coalitionId: c.id,
        email: invitee.email.toLowerCase(),
        role: 'moderator',
        organisationId: invitee.org.id,
        status: 'pending',
      });
      expect(res.body.token).toEqual(expect.any(String));
      expect(res.body.token.length).toBeGreaterThanOrEqual(20);

      // Nowhere else: not in the coalition's list, not stored in clear.
      const listed = await organiser.client.coalitions.invitations(c.id);
      expect(listed.items.map((i) => i.id)).toEqual([res.body.id]);
      expect(listed.items[0]).not.toHaveProperty('token');
      const mine = await invitee.client.invitations.mine();
      expect(mine.map((i) => [i.id, i.coalitionName])).toEqual([[res.body.id, c.name]]);
      expect(mine[0]).not.toHaveProperty('token');
      const stored = await invitationsStored().findOne({ _id: new ObjectId(res.body.id) });
      expect(JSON.stringify(stored)).not.toContain(res.body.token);

      // Before accepting, the private coalition does not exist for the invitee.
      expect((await apiError(invitee.client.coalitions.get(c.id))).status).toBe(404);

      const joined = await invitee.client.invitations.accept(res.body.token);
      expect(joined).toMatchObject({ id: c.id, myRole: 'moderator', memberCount: 2 });
      expect(joined.members?.find((m) => m.userId === invitee.user.id)).toMatchObject({
        role: 'moderator',
        organisationId: invitee.org.id,
      });
      expect((await organiser.client.coalitions.invitations(c.id)).items[0].status).toBe(
        'accepted',
      );
      expect(await invitee.client.invitations.mine()).toEqual([]);
    });

    it('refuses someone with another email (403), and the invitee can still accept', async () => {
      const [organiser, invitee, interloper] = await Promise.all([
        person(),
        person('state'),
        person('business'),
      ]);
      const c = await newCoalition(organiser, 'private');
      const invitation = await organiser.client.coalitions.invite(c.id, {
        email: invitee.email,
        role: 'member',
      });

      const error = await apiError(
        interloper.client.invitations.accept(invitation.token, interloper.org.id),
      );
      expect(error.status).toBe(403);
      expect(error.code).toBe('FORBIDDEN');
      expect((await apiError(interloper.client.coalitions.get(c.id))).status).toBe(404);
      expect((await storedMembers(c.id)).map((m) => m.userId.toString())).not.toContain(
        interloper.user.id,
      );

      const joined = await invitee.client.invitations.accept(invitation.token, invitee.org.id);
      expect(joined.myRole).toBe('member');
    });

    it('cannot be used twice: the second use is refused and one membership is stored', async () => {
      const [organiser, invitee] = await Promise.all([person(), person('state')]);
      const c = await newCoalition(organiser, 'private');
      const invitation = await organiser.client.coalitions.invite(c.id, {
        email: invitee.email,
        role: 'observer',
        organisationId: invitee.org.id,
      });
      await invitee.client.invitations.accept(invitation.token);

      const again = await apiError(invitee.client.invitations.accept(invitation.token));
      expect([404, 409]).toContain(again.status);

      const mine = (await storedMembers(c.id)).filter(
        (m) => m.userId.toString() === invitee.user.id,
      );
      expect(mine.map((m) => m.role)).toEqual(['observer']);
    });

    it('lets one of concurrent acceptances of one token win', async () => {
      const [organiser, invitee] = await Promise.all([person(), person('state')]);
      const c = await newCoalition(organiser, 'private');
      const invitation = await organiser.client.coalitions.invite(c.id, {
        email: invitee.email,
        role: 'member',
        organisationId: invitee.org.id,
      });
      const results = await Promise.all(
        [1, 2, 3].map(() =>
          invitee.client.raw('POST', `/invitations/${invitation.token}/accept`, { body: {} }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect(statuses.slice(1).every((s) => s === 404 || s === 409)).toBe(true);
      const mine = (await storedMembers(c.id)).filter(
        (m) => m.userId.toString() === invitee.user.id,
      );
      expect(mine).toHaveLength(1);
    });

    it('waits for an email with no account yet: listed once they register, then accepted', async () => {
      const organiser = await person();
      const c = await newCoalition(organiser, 'private');
      const email = uniqueEmail('Newcomer');
      const invitation = await organiser.client.coalitions.invite(c.id, {
        email,
        role: 'member',
      });
      expect(invitation.email).toBe(email.toLowerCase());

      const newcomer = await person('academia', { email });
      const mine = await newcomer.client.invitations.mine();
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        id: invitation.id,
        coalitionId: c.id,
        coalitionName: c.name,
        role: 'member',
        status: 'pending',
        organisationId: null,
      });

      const joined = await newcomer.client.invitations.accept(invitation.token, newcomer.org.id);
      expect(joined.myRole).toBe('member');
      expect(joined.members?.find((m) => m.userId === newcomer.user.id)?.organisationId).toBe(
        newcomer.org.id,
      );
    });

    it('without an organisationId, requires one at acceptance (400) that the user belongs to (403)', async () => {
      const [organiser, invitee] = await Promise.all([person(), person('union')]);
      const c = await newCoalition(organiser, 'private');
      const invitation = await organiser.client.coalitions.invite(c.id, {
        email: invitee.email,
        role: 'member',
      });
      expect(invitation.organisationId).toBeNull();

      const missing = await invitee.client.raw('POST', `/invitations/${invitation.token}/accept`, {
        body: {},
      });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ code: 'VALIDATION' });
      expect(fieldsOf(missing)).toEqual(['organisationId']);

      const foreign = await apiError(
        invitee.client.invitations.accept(invitation.token, organiser.org.id),
      );
      expect(foreign.status).toBe(403);
      const unknown = await apiError(
        invitee.client.invitations.accept(invitation.token, new ObjectId().toHexString()),
      );
      expect(unknown.status).toBe(403);
      expect((await storedMembers(c.id)).map((m) => m.userId.toString())).toEqual([
        organiser.user.id,
      ]);

      const joined = await invitee.client.invitations.accept(invitation.token, invitee.org.id);
      expect(joined.members?.find((m) => m.userId === invitee.user.id)?.organisationId).toBe(
        invitee.org.id,
      );
    });

    it('answers 404 to an unknown or expired token', async () => {
      const [organiser, invitee] = await Promise.all([person(), person('state')]);
      const c = await newCoalition(organiser, 'private');

      const unknown = await apiError(
        invitee.client.invitations.accept('no-such-token-at-all', invitee.org.id),
      );
      expect(unknown.status).toBe(404);

      const invitation = await organiser.client.coalitions.invite(c.id, {
        email: invitee.email,
        role: 'member',
        organisationId: invitee.org.id,
      });
      await invitationsStored().updateOne(
        { _id: new ObjectId(invitation.id) },
        { $set: { expiresAt: new Date('2020-01-01T00:00:00Z') } },
      );
      const expired = await apiError(invitee.client.invitations.accept(invitation.token));
      expect(expired.status).toBe(404);
      expect(expired.code).toBe('NOT_FOUND');
      expect(await invitee.client.invitations.mine()).toEqual([]);
      expect((await organiser.client.coalitions.invitations(c.id)).items[0].status).toBe('expired');
      expect((await storedMembers(c.id)).map((m) => m.userId.toString())).toEqual([
        organiser.user.id,
      ]);
    });

    it('lets moderators invite members and observers only; members cannot invite (403)', async () => {
      const {
        c,
        people: [moderator, member],
      } = await staffed('private', ['moderator', 'member']);
      for (const role of ['member', 'observer'] as const) {
        const ok = await moderator.client.coalitions.invite(c.id, { email: uniqueEmail(), role });
        expect(ok.role).toBe(role);
      }
      for (const role of ['moderator', 'organiser'] as const) {
        const error = await apiError(
          moderator.client.coalitions.invite(c.id, { email: uniqueEmail(), role }),
        );
        expect(error.status).toBe(403);
      }
      const byMember = await apiError(
        member.client.coalitions.invite(c.id, { email: uniqueEmail(), role: 'observer' }),
      );
      expect(byMember.status).toBe(403);
      expect(
        await invitationsStored().countDocuments({
          coalitionId: new ObjectId(c.id),
          invitedBy: new ObjectId(moderator.user.id),
        }),
      ).toBe(2);
    });
  });

  // ---------------------------------------------------------------------------------------------

  describe('roles and removal', () => {
    it('lets an organiser promote a member to moderator, then to organiser', async () => {
      const {
        c,
        organiser,
        people: [member],
      } = await staffed('private', ['member']);
      const res = await organiser.client.raw(
        'PATCH',
        `/coalitions/${c.id}/members/${member.user.id}`,
        {
          body: { role: 'moderator' },
        },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        userId: member.user.id,
        role: 'moderator',
        organisationId: member.org.id,
      });
      expect((await member.client.coalitions.get(c.id)).myRole).toBe('moderator');

      const top = await organiser.client.coalitions.changeRole(c.id, member.user.id, 'organiser');
      expect(top.role).toBe('organiser');
      expect((await rolesSeenBy(organiser, c.id))[member.user.id]).toBe('organiser');
      // The new organiser has organiser powers: reading the audit log.
      expect((await member.client.coalitions.audit(c.id)).total).toBeGreaterThan(0);
    });

    it('refuses a moderator acting on a moderator or an organiser (403), allows below', async () => {
      const {
        c,
        organiser,
        people: [moderator, otherMod, member],
      } = await staffed('private', ['moderator', 'moderator', 'member']);

      for (const [target, role] of [
        [otherMod, 'member'],
        [otherMod, 'observer'],
        [organiser, 'moderator'],
        [member, 'moderator'],
        [member, 'organiser'],
      ] as const) {
        const error = await apiError(
          moderator.client.coalitions.changeRole(c.id, target.user.id, role),
        );
        expect({ target: target.user.id, role, status: error.status }).toEqual({
          target: target.user.id,
          role,
          status: 403,
        });
      }
      for (const target of [otherMod, organiser]) {
        const error = await apiError(
          moderator.client.coalitions.removeMember(c.id, target.user.id),
        );
        expect(error.status).toBe(403);
      }
      const before = await rolesSeenBy(organiser, c.id);
      expect(before[otherMod.user.id]).toBe('moderator');
      expect(before[organiser.user.id]).toBe('organiser');
      expect(before[member.user.id]).toBe('member');

      // Below their rank they can act.
      expect(
        (await moderator.client.coalitions.changeRole(c.id, member.user.id, 'observer')).role,
      ).toBe('observer');
      expect((await rolesSeenBy(organiser, c.id))[member.user.id]).toBe('observer');
      await moderator.client.coalitions.removeMember(c.id, member.user.id);
      expect((await rolesSeenBy(organiser, c.id))[member.user.id]).toBeUndefined();
    });

    it('refuses members and observers any role change or removal of others (403)', async () => {
      const {
        c,
        organiser,
        people: [member, member2, observer],
      } = await staffed('private', ['member', 'member', 'observer']);
      for (const actor of [member, observer]) {
        for (const target of [member2, observer, member]) {
          if (target === actor) continue;
          const role = target === observer ? 'member' : 'observer';
          const change = await actor.client.raw(
            'PATCH',
            `/coalitions/${c.id}/members/${target.user.id}`,
            { body: { role } },
          );
          expect(change.status).toBe(403);
          const remove = await actor.client.raw(
            'DELETE',
            `/coalitions/${c.id}/members/${target.user.id}`,
          );
          expect(remove.status).toBe(403);
        }
      }
      expect(await rolesSeenBy(organiser, c.id)).toMatchObject({
        [member.user.id]: 'member',
        [member2.user.id]: 'member',
        [observer.user.id]: 'observer',
      });
    });

    it('refuses a "change" to the current role from someone without the power (403, not 200)', async () => {
      const {
        c,
        organiser,
        people: [moderator, member, observer],
      } = await staffed('private', ['moderator', 'member', 'observer']);
      for (const [actor, target] of [
        [member, observer],
        [observer, member],
        [moderator, organiser],
        [member, moderator],
      ] as const) {
        const current = (await rolesSeenBy(organiser, c.id))[target.user.id];
        const res = await actor.client.raw(
          'PATCH',
          `/coalitions/${c.id}/members/${target.user.id}`,
          { body: { role: current } },
        );
        expect({ actor: actor.user.id, target: target.user.id, status: res.status }).toEqual({
          actor: actor.user.id,
          target: target.user.id,
          status: 403,
        });
      }
    });

    it('allows stepping down oneself, never stepping up (403)', async () => {
      const {
        c,
        organiser,
        people: [moderator, member, observer],
      } = await staffed('private', ['moderator', 'member', 'observer']);
      for (const [who, role] of [
        [member, 'moderator'],
        [member, 'organiser'],
        [observer, 'member'],
        [moderator, 'organiser'],
      ] as const) {
        const error = await apiError(who.client.coalitions.changeRole(c.id, who.user.id, role));
        expect(error.status).toBe(403);
        expect(error.code).toBe('FORBIDDEN');
      }
      expect(
        (await moderator.client.coalitions.changeRole(c.id, moderator.user.id, 'member')).role,
      ).toBe('member');
      expect(
        (await member.client.coalitions.changeRole(c.id, member.user.id, 'observer')).role,
      ).toBe('observer');
      expect(await rolesSeenBy(organiser, c.id)).toMatchObject({
        [moderator.user.id]: 'member',
        [member.user.id]: 'observer',
        [observer.user.id]: 'observer',
      });
    });

    it('keeps the last organiser (409 to stepping down or leaving) until another is made', async () => {
      const {
        c,
        organiser,
        people: [moderator],
      } = await staffed('private', ['moderator']);

      const stepDown = await apiError(
        organiser.client.coalitions.changeRole(c.id, organiser.user.id, 'moderator'),
      );
      expect(stepDown.status).toBe(409);
      expect(stepDown.code).toBe('CONFLICT');
      expect((await apiError(organiser.client.coalitions.leave(c.id))).status).toBe(409);
      expect(
        (await apiError(organiser.client.coalitions.removeMember(c.id, organiser.user.id))).status,
      ).toBe(409);
      expect((await rolesSeenBy(organiser, c.id))[organiser.user.id]).toBe('organiser');

      await organiser.client.coalitions.changeRole(c.id, moderator.user.id, 'organiser');
      const down = await organiser.client.coalitions.changeRole(c.id, organiser.user.id, 'member');
      expect(down.role).toBe('member');

      // Now the new organiser is the last one, and cannot leave.
      expect((await apiError(moderator.client.coalitions.leave(c.id))).status).toBe(409);
      const roles = await rolesSeenBy(moderator, c.id);
      expect(Object.values(roles).filter((r) => r === 'organiser')).toHaveLength(1);
    });

    it('lets the first organiser leave once a second exists', async () => {
      const {
        c,
        organiser,
        people: [moderator],
      } = await staffed('private', ['moderator']);
      await organiser.client.coalitions.changeRole(c.id, moderator.user.id, 'organiser');
      await organiser.client.coalitions.leave(c.id);
      expect((await apiError(organiser.client.coalitions.get(c.id))).status).toBe(404);
      expect((await rolesSeenBy(moderator, c.id))[moderator.user.id]).toBe('organiser');
    });

    it('hides a private coalition (404) from someone removed from it', async () => {
      const {
        c,
        organiser,
        people: [member],
      } = await staffed('private', ['member']);
      const res = await organiser.client.raw(
        'DELETE',
        `/coalitions/${c.id}/members/${member.user.id}`,
      );
      expect(res.status).toBe(204);

      const error = await apiError(member.client.coalitions.get(c.id));
      expect(error.status).toBe(404);
      expect(error.code).toBe('NOT_FOUND');
      expect((await member.client.coalitions.list({ q: c.name })).total).toBe(0);
      expect((await storedMembers(c.id)).map((m) => m.userId.toString())).not.toContain(
        member.user.id,
      );
    });

    it('shows a public coalition without its members to someone removed from it', async () => {
      const {
        c,
        organiser,
        people: [member],
      } = await staffed('public', ['member']);
      await organiser.client.coalitions.removeMember(c.id, member.user.id);

      const res = await member.client.raw<CoalitionDetail>('GET', `/coalitions/${c.id}`);
      expect(res.status).toBe(200);
      expect(res.body.myRole).toBeNull();
      expect(res.body).not.toHaveProperty('members');
      expect(res.body.memberCount).toBe(1);
      // And they may ask to join again.
      const again = await member.client.coalitions.requestToJoin(c.id, member.org.id);
      expect(again.status).toBe('pending');
    });

    it('never leaves zero organisers when two organisers act on each other at once', async () => {
      const {
        c,
        organiser,
        people: [moderator],
      } = await staffed('private', ['moderator']);
      await organiser.client.coalitions.changeRole(c.id, moderator.user.id, 'organiser');
      const second = moderator;

      const demotions = await Promise.all([
        organiser.client.raw('PATCH', `/coalitions/${c.id}/members/${second.user.id}`, {
          body: { role: 'member' },
        }),
        second.client.raw('PATCH', `/coalitions/${c.id}/members/${organiser.user.id}`, {
          body: { role: 'member' },
        }),
      ]);
      // Nobody acts on an equal rank: organisers cannot demote each other.
      expect(demotions.map((r) => r.status)).toEqual([403, 403]);

      const stepDowns = await Promise.all(
        [organiser, second].map((who) =>
          who.client.raw('PATCH', `/coalitions/${c.id}/members/${who.user.id}`, {
            body: { role: 'member' },
          }),
        ),
      );
      expect(stepDowns.map((r) => r.status).sort()).toEqual([200, 409]);

      const stored = await storedMembers(c.id);
      expect(stored.filter((m) => m.role === 'organiser')).toHaveLength(1);

      const leaves = await Promise.all(
        [organiser, second].map((who) => who.client.raw('POST', `/coalitions/${c.id}/leave`)),
      );
      expect(leaves.map((r) => r.status).sort()).toEqual([204, 409]);
      const after = await storedMembers(c.id);
      expect(after.filter((m) => m.role === 'organiser')).toHaveLength(1);
    });

    it('lets a member leave with POST leave or DELETE of their own id', async () => {
      const {
        c,
        organiser,
        people: [member, observer],
      } = await staffed('private', ['member', 'observer']);
      const left = await member.client.raw('POST', `/coalitions/${c.id}/leave`);
      expect(left.status).toBe(204);
      const deleted = await observer.client.raw(
        'DELETE',
        `/coalitions/${c.id}/members/${observer.user.id}`,
      );
      expect(deleted.status).toBe(204);

      for (const who of [member, observer]) {
        expect((await apiError(who.client.coalitions.get(c.id))).status).toBe(404);
      }
      const roles = await rolesSeenBy(organiser, c.id);
      expect(roles[member.user.id]).toBeUndefined();
      expect(roles[observer.user.id]).toBeUndefined();
      expect((await storedMembers(c.id)).map((m) => m.userId.toString())).toEqual([
        organiser.user.id,
      ]);
      // Leaving twice: no longer a member, so the coalition is hidden.
      expect((await apiError(member.client.coalitions.leave(c.id))).status).toBe(404);
    });

    it('answers 404 for someone who is not a member and 400 for an unknown role', async () => {
      const {
        c,
        organiser,
        people: [member],
      } = await staffed('private', ['member']);
      const outsider = await person('other');
      const notMember = await apiError(
        organiser.client.coalitions.changeRole(c.id, outsider.user.id, 'member'),
      );
      expect(notMember.status).toBe(404);
      expect(
        (await apiError(organiser.client.coalitions.removeMember(c.id, 'not-an-id'))).status,
      ).toBe(404);

      const bad = await organiser.client.raw(
        'PATCH',
        `/coalitions/${c.id}/members/${member.user.id}`,
        {
          body: { role: 'owner' },
        },
      );
      expect(bad.status).toBe(400);
      expect(fieldsOf(bad)).toEqual(['role']);
      expect((await rolesSeenBy(organiser, c.id))[member.user.id]).toBe('member');
    });
  });
});
