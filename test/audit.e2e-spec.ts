import {
  type AccordClient,
  type AuditEntry,
  type AuditPage,
  type CoalitionDetail,
  type CoalitionVisibility,
  type Organisation,
  type StakeholderType,
} from '@accord/client';
import { hashEntry } from '@accord/audit';
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

const ZEROS = '0'.repeat(64);
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Person extends TestUser {
  org: Organisation;
}

/** Platform admins of this app, one per test that needs one. */
const ADMINS = { verifier: uniqueEmail('verifier') };

/** Entries oldest first. */
const chronological = (page: AuditPage): AuditEntry[] =>
  [...page.items].sort((a, b) => a.seq - b.seq);

/** Checks what every page of the log must satisfy: linked, consecutive, UTC times. */
function expectLinkedChain(entries: AuditEntry[]): void {
  entries.forEach((entry, i) => {
    expect(entry.seq).toBe(i + 1);
    expect(entry.prevHash).toBe(i === 0 ? ZEROS : entries[i - 1].hash);
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.at).toMatch(ISO_UTC);
    expect(new Date(entry.at).toISOString()).toBe(entry.at);
    if (i > 0) expect(entry.at >= entries[i - 1].at).toBe(true);
  });
}

describe('audit log (real engine, real HTTP)', () => {
  let t: TestApp;
  let api: AccordClient;
  let mongo: MongoClient;
  let rec49: string;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAILS: Object.values(ADMINS).join(',') });
    api = t.client();
    mongo = await MongoClient.connect(t.mongodbUri);
    const reader = await registerUser(api);
    rec49 = (await reader.client.recommendations.get('WP1515-49')).id;
  });

  afterAll(async () => {
    await mongo?.close();
    await t?.close();
  });

  const entriesStored = () => mongo.db().collection('audit_entries');
  const scopeOf = (c: CoalitionDetail) => `coalition:${c.id}`;

  async function person(stakeholderType: StakeholderType = 'ngo'): Promise<Person> {
    const user = await registerUser(api);
    const org = await createOrganisation(user, { stakeholderType });
    return { ...user, org };
  }

  async function newCoalition(
    creator: Person,
    visibility: CoalitionVisibility = 'public',
  ): Promise<CoalitionDetail> {
    return creator.client.coalitions.create({
      name: uniqueName('Audited coalition'),
      purpose: 'Implement the recommendation together',
      visibility,
      recommendationIds: [rec49],
      organisationId: creator.org.id,
    });
  }

  async function fullLog(who: TestUser, c: CoalitionDetail): Promise<AuditPage> {
    return who.client.coalitions.audit(c.id, { limit: 100 });
  }

  /** A coalition whose log holds 9 entries of several kinds. */
  async function coalitionWithHistory() {
    const organiser = await person('ngo');
    const c = await newCoalition(organiser);
    const [invitee, asker] = await Promise.all([person('state'), person('business')]);
    const invitation = await organiser.client.coalitions.invite(c.id, {
      email: invitee.email,
      role: 'member',
      organisationId: invitee.org.id,
    });
    await invitee.client.invitations.accept(invitation.token);
    const request = await asker.client.coalitions.requestToJoin(c.id, asker.org.id);
    await organiser.client.coalitions.approveJoinRequest(c.id, request.id);
    await organiser.client.coalitions.changeRole(c.id, invitee.user.id, 'moderator');
    return { c, organiser, invitee, asker };
  }

  // ---------------------------------------------------------------------------------------------

  it('lists membership, role, invitation and join-request changes newest first, linked and intact', async () => {
    const organiser = await person('ngo');
    const c = await newCoalition(organiser);
    const [invitee, asker, refused] = await Promise.all([
      person('state'),
      person('business'),
      person('union'),
    ]);

    const invitation = await organiser.client.coalitions.invite(c.id, {
      email: invitee.email,
      role: 'member',
      organisationId: invitee.org.id,
    });
    await invitee.client.invitations.accept(invitation.token);
    const request = await asker.client.coalitions.requestToJoin(c.id, asker.org.id);
    await organiser.client.coalitions.approveJoinRequest(c.id, request.id);
    await organiser.client.coalitions.changeRole(c.id, invitee.user.id, 'moderator');
    await organiser.client.coalitions.removeMember(c.id, asker.user.id);
    await invitee.client.coalitions.leave(c.id);
    const refusedRequest = await refused.client.coalitions.requestToJoin(c.id, refused.org.id);
    await organiser.client.coalitions.rejectJoinRequest(c.id, refusedRequest.id);

    const res = await organiser.client.raw<AuditPage>('GET', `/coalitions/${c.id}/audit`, {
      query: { limit: 100 },
    });
    expect(res.status).toBe(200);
    const log = res.body;
    expect(log).toMatchObject({ total: 13, page: 1, limit: 100 });
    expect(log.integrity).toEqual({ ok: true, checked: 13 });

    // Newest first.
    expect(log.items.map((e) => e.seq)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(log.items.map((e) => e.action)).toEqual([
      'coalition.join_request.rejected',
      'coalition.join_request.created',
      'coalition.member.left',
      'coalition.member.removed',
      'coalition.member.role_changed',
      'coalition.join_request.approved',
      'coalition.member.added',
      'coalition.join_request.created',
      'coalition.invitation.accepted',
      'coalition.member.added',
      'coalition.invitation.created',
      'coalition.member.added',
      'coalition.created',
    ]);

    const entries = chronological(log);
    expectLinkedChain(entries);
    const at = (seq: number) => entries[seq - 1];
    const user = (p: TestUser) => ({ type: 'user', id: p.user.id });

    expect(at(1)).toMatchObject({
      actorId: organiser.user.id,
      target: { type: 'coalition', id: c.id },
      data: { name: c.name, visibility: 'public', recommendationIds: [rec49] },
    });
    expect(at(2)).toMatchObject({
      actorId: organiser.user.id,
      target: user(organiser),
      data: { role: 'organiser', organisationId: organiser.org.id },
    });
    expect(at(3)).toMatchObject({
      actorId: organiser.user.id,
      target: { type: 'invitation', id: invitation.id },
      data: { email: invitee.email.toLowerCase(), role: 'member', organisationId: invitee.org.id },
    });
    expect(at(4)).toMatchObject({
      actorId: invitee.user.id,
      target: user(invitee),
      data: { role: 'member', organisationId: invitee.org.id },
    });
    expect(at(5)).toMatchObject({
      actorId: invitee.user.id,
      target: { type: 'invitation', id: invitation.id },
    });
    expect(at(6)).toMatchObject({
      actorId: asker.user.id,
      target: { type: 'join_request', id: request.id },
      data: { organisationId: asker.org.id },
    });
    expect(at(7)).toMatchObject({
      actorId: organiser.user.id,
      target: user(asker),
      data: { role: 'member', organisationId: asker.org.id },
    });
    expect(at(8)).toMatchObject({
      actorId: organiser.user.id,
      target: { type: 'join_request', id: request.id },
      data: { userId: asker.user.id },
    });
    expect(at(9)).toMatchObject({
      actorId: organiser.user.id,
      target: user(invitee),
      data: { from: 'member', to: 'moderator' },
    });
    expect(at(10)).toMatchObject({
      actorId: organiser.user.id,
      target: user(asker),
      data: { role: 'member', organisationId: asker.org.id },
    });
    expect(at(11)).toMatchObject({
      actorId: invitee.user.id,
      target: user(invitee),
      data: { role: 'moderator', organisationId: invitee.org.id },
    });
    expect(at(13)).toMatchObject({
      actorId: organiser.user.id,
      target: { type: 'join_request', id: refusedRequest.id },
    });
    for (const entry of entries) expect(entry.id).toMatch(/^[0-9a-f]{24}$/);

    // Pages of the same log.
    const first = await organiser.client.coalitions.audit(c.id, { page: 1, limit: 5 });
    expect(first.items.map((e) => e.seq)).toEqual([13, 12, 11, 10, 9]);
    expect(first.total).toBe(13);
    const third = await organiser.client.coalitions.audit(c.id, { page: 3, limit: 5 });
    expect(third.items.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(third.integrity).toEqual({ ok: true, checked: 13 });
  });

  it('shows the log to organisers only: 403 for others who can see the coalition, 404 when hidden', async () => {
    const { c, organiser, invitee } = await coalitionWithHistory();
    const member = await person('union');
    const request = await member.client.coalitions.requestToJoin(c.id, member.org.id);
    await organiser.client.coalitions.approveJoinRequest(c.id, request.id);
    const outsider = await person('academia');

    for (const who of [invitee /* moderator */, member, outsider]) {
      const error = await apiError(who.client.coalitions.audit(c.id));
      expect(error.status).toBe(403);
      expect(error.code).toBe('FORBIDDEN');
    }

    const hidden = await newCoalition(organiser, 'private');
    const error = await apiError(outsider.client.coalitions.audit(hidden.id));
    expect(error.status).toBe(404);
    expect((await organiser.client.coalitions.audit(hidden.id)).total).toBe(2);
  });

  it('is append-only: no route edits or deletes an entry', async () => {
    const { c, organiser } = await coalitionWithHistory();
    const before = await fullLog(organiser, c);
    const entry = before.items[3];

    const attempts: [string, string, unknown?][] = [
      ['PATCH', `/coalitions/${c.id}/audit`, { items: [] }],
      ['PUT', `/coalitions/${c.id}/audit`, { items: [] }],
      ['DELETE', `/coalitions/${c.id}/audit`],
      ['POST', `/coalitions/${c.id}/audit`, { action: 'coalition.created' }],
      ['GET', `/coalitions/${c.id}/audit/${entry.id}`],
      ['PATCH', `/coalitions/${c.id}/audit/${entry.id}`, { data: {} }],
      ['PUT', `/coalitions/${c.id}/audit/${entry.id}`, { data: {} }],
      ['DELETE', `/coalitions/${c.id}/audit/${entry.id}`],
      ['DELETE', `/audit/${entry.id}`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await organiser.client.raw(method, path, { body });
      expect({ method, path, refused: [404, 405].includes(res.status) }).toEqual({
        method,
        path,
        refused: true,
      });
    }

    const after = await fullLog(organiser, c);
    expect(after.items).toEqual(before.items);
    expect(after.integrity).toEqual({ ok: true, checked: before.total });
  });

  it.each([
    ['data', { action: 'coalition.member.role_changed' }, { $set: { 'data.to': 'organiser' } }],
    [
      'action',
      { action: 'coalition.join_request.approved' },
      { $set: { action: 'coalition.join_request.rejected' } },
    ],
    ['actorId', { action: 'coalition.invitation.created' }, { $set: { actorId: new ObjectId() } }],
    ['at', { seq: 2 }, { $set: { at: new Date('2024-01-01T00:00:00.000Z') } }],
  ])(
    'detects an entry whose %s was edited in the database, naming its seq',
    async (_label, which, update) => {
      const { c, organiser } = await coalitionWithHistory();
      expect((await fullLog(organiser, c)).integrity.ok).toBe(true);
      const target = await entriesStored().findOne({ scope: scopeOf(c), ...which });
      expect(target).not.toBeNull();
      const result = await entriesStored().updateOne({ _id: target!._id }, update);
      expect(result.modifiedCount).toBe(1);

      const log = await fullLog(organiser, c);
      expect(log.integrity).toMatchObject({
        ok: false,
        brokenAtSeq: target!.seq,
        checked: target!.seq - 1,
      });
      expect(log.total).toBe(9);
    },
  );

  it('detects a deleted entry, at the entry after the gap', async () => {
    const { c, organiser } = await coalitionWithHistory();
    const deleted = await entriesStored().findOneAndDelete({ scope: scopeOf(c), seq: 4 });
    expect(deleted?.action).toBe('coalition.member.added');

    const log = await fullLog(organiser, c);
    expect(log.total).toBe(8);
    expect(log.integrity).toMatchObject({ ok: false, brokenAtSeq: 5, checked: 3 });
    expect(log.integrity.problem).toContain('4');
  });

  it('detects the deletion of the newest entry', async () => {
    const { c, organiser } = await coalitionWithHistory();
    const newest = await entriesStored().findOneAndDelete({ scope: scopeOf(c), seq: 9 });
    expect(newest?.action).toBe('coalition.member.role_changed');

    const log = await fullLog(organiser, c);
    expect(log.total).toBe(8);
    // The role change happened (the member is a moderator), but its record is gone.
    expect(log.integrity).toMatchObject({ ok: false, brokenAtSeq: 9 });
  });

  it('detects an edited entry even when the forger recomputes its hash without the server secret', async () => {
    const { c, organiser } = await coalitionWithHistory();
    const row = await entriesStored().findOne({ scope: scopeOf(c), seq: 5 });
    expect(row?.action).toBe('coalition.invitation.accepted');
    const forged = { ...row!.data, role: 'organiser' };
    const hash = hashEntry(
      {
        scope: row!.scope,
        seq: row!.seq,
        at: row!.at,
        actorId: row!.actorId ? row!.actorId.toString() : null,
        action: row!.action,
        target: row!.target,
        data: forged,
        prevHash: row!.prevHash,
      },
      'a-guess-at-the-audit-secret',
    );
    await entriesStored().updateOne({ _id: row!._id }, { $set: { data: forged, hash } });

    const log = await fullLog(organiser, c);
    expect(log.integrity).toMatchObject({ ok: false, brokenAtSeq: 5, checked: 4 });
  });

  it('keeps one gapless, intact chain through 30 concurrent audited operations', async () => {
    const organiser = await person('ngo');
    const c = await newCoalition(organiser);
    const askers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => person(i % 2 ? 'state' : 'business')),
    );

    const results = await Promise.all(
      askers.map((a) =>
        a.client.raw<{ id: string }>('POST', `/coalitions/${c.id}/join-requests`, {
          body: { organisationId: a.org.id },
        }),
      ),
    );
    // Every operation succeeds (none is refused because the log was busy).
    expect(results.filter((r) => r.status !== 201).map((r) => r.body)).toEqual([]);

    const log = await fullLog(organiser, c);
    expect(log.total).toBe(32);
    expect(log.integrity).toEqual({ ok: true, checked: 32 });
    const entries = chronological(log);
    expectLinkedChain(entries);
    const requests = entries.filter((e) => e.action === 'coalition.join_request.created');
    expect(requests.map((e) => e.target.id).sort()).toEqual(results.map((r) => r.body.id).sort());
    expect(new Set(requests.map((e) => e.actorId))).toEqual(new Set(askers.map((a) => a.user.id)));

    const stored = await entriesStored()
      .find({ scope: scopeOf(c) })
      .project<{ seq: number }>({ seq: 1 })
      .toArray();
    expect(stored.map((s) => s.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 32 }, (_, i) => i + 1),
    );
  });

  it("records a platform admin's verification of an organisation in the organisation's scope", async () => {
    const verifier = await registerUser(api, { email: ADMINS.verifier });
    expect(verifier.user.platformRole).toBe('admin');
    const owner = await person('ngo');
    const colleague = await registerUser(api);
    await owner.client.organisations.addMember(owner.org.id, colleague.email, 'member');

    // A refused attempt leaves no trace.
    expect(
      (await apiError(owner.client.organisations.setVerified(owner.org.id, true))).status,
    ).toBe(403);
    await verifier.client.organisations.setVerified(owner.org.id, true);
    await verifier.client.organisations.setVerified(owner.org.id, false);

    const scope = `organisation:${owner.org.id}`;
    const stored = await entriesStored().find({ scope }).sort({ seq: 1 }).toArray();
    expect(stored.map((e) => [e.seq, e.action])).toEqual([
      [1, 'organisation.created'],
      [2, 'organisation.member.added'],
      [3, 'organisation.verified'],
      [4, 'organisation.unverified'],
    ]);
    const [created, added, verified, unverified] = stored;
    expect(created.actorId?.toString()).toBe(owner.user.id);
    expect(added).toMatchObject({ target: { type: 'user', id: colleague.user.id } });
    for (const entry of [verified, unverified]) {
      expect(entry.actorId?.toString()).toBe(verifier.user.id);
      expect(entry.target).toEqual({ type: 'organisation', id: owner.org.id });
      expect(entry.at).toBeInstanceOf(Date);
    }
    expect(stored[0].prevHash).toBe(ZEROS);
    for (let i = 1; i < stored.length; i++) expect(stored[i].prevHash).toBe(stored[i - 1].hash);
  });
});
