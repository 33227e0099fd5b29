import { randomBytes } from 'node:crypto';
import { type AccordClient, type Organisation, type RawResponse } from '@accord/client';
import { MongoClient, ObjectId } from 'mongodb';
import {
  createOrganisation,
  registerUser,
  type TestUser,
  uniqueEmail,
  uniqueName,
} from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { apiError } from './support/helpers';

/** The fields named in a validation error's details. */
function fieldsOf(res: RawResponse): string[] {
  const details = (res.body as { details?: { field: string }[] }).details ?? [];
  return details.map((d) => d.field).sort();
}

function token(): string {
  return randomBytes(5).toString('hex');
}

/** Platform admins of this app: one address per test that needs one, so no test shares a user. */
const ADMINS = {
  seesMembers: uniqueEmail('auditor'),
  verifies: uniqueEmail('chair'),
  badPatch: uniqueEmail('steward'),
  unknownOrg: uniqueEmail('registrar'),
};

describe('organisations (real engine, real HTTP)', () => {
  let t: TestApp;
  let api: AccordClient;
  let mongo: MongoClient;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAILS: Object.values(ADMINS).join(',') });
    api = t.client();
    mongo = await MongoClient.connect(t.mongodbUri);
  });

  afterAll(async () => {
    await mongo?.close();
    await t?.close();
  });

  const organisations = () => mongo.db().collection('organisations');
  const memberships = () => mongo.db().collection('organisation_members');
  const storedNamed = (name: string) =>
    organisations().countDocuments({
      nameNormalized: name.trim().replace(/\s+/g, ' ').toLowerCase(),
    });

  const names = (page: { items: Organisation[] }) => page.items.map((o) => o.name);

  describe('create', () => {
    it('answers 201, makes the creator its admin and upper-cases the country', async () => {
      const ana = await registerUser(api, { displayName: 'Ana Duarte' });
      const name = uniqueName('Defenders Network');
      const res = await ana.client.raw<Organisation>('POST', '/organisations', {
        body: { name, stakeholderType: 'nhri', country: 'ke' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name,
        stakeholderType: 'nhri',
        country: 'KE',
        verified: false,
        memberCount: 1,
        myRole: 'admin',
        members: [{ userId: ana.user.id, displayName: 'Ana Duarte', role: 'admin' }],
      });
      expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);

      const fetched = await ana.client.organisations.get(res.body.id);
      expect(fetched).toMatchObject({
        id: res.body.id,
        country: 'KE',
        myRole: 'admin',
        memberCount: 1,
      });
      const me = await ana.client.me();
      expect(me.organisations).toEqual([
        {
          id: res.body.id,
          name,
          stakeholderType: 'nhri',
          country: 'KE',
          verified: false,
          role: 'admin',
        },
      ]);
      const stored = await organisations().findOne({ _id: new ObjectId(res.body.id) });
      expect(stored).toMatchObject({ country: 'KE', createdBy: new ObjectId(ana.user.id) });
    });

    it('collapses runs of spaces in the name', async () => {
      const user = await registerUser(api);
      const tok = token();
      const org = await user.client.organisations.create({
        name: `   Rights   Watch  ${tok}  `,
        stakeholderType: 'ngo',
        country: 'BR',
      });
      expect(org.name).toBe(`Rights Watch ${tok}`);
    });

    it('refuses the same name in another case or with extra spaces: 409, and one is stored', async () => {
      const first = await registerUser(api);
      const second = await registerUser(api);
      const tok = token();
      const name = `Coalition For Justice ${tok}`;
      await createOrganisation(first, { name });

      for (const variant of [
        name.toUpperCase(),
        `  coalition   for justice ${tok} `,
        `Coalition\tFor Justice ${tok}`,
      ]) {
        const error = await apiError(
          second.client.organisations.create({
            name: variant,
            stakeholderType: 'business',
            country: 'FR',
          }),
        );
        expect(error.status).toBe(409);
        expect(error.code).toBe('CONFLICT');
        expect(error.details).toEqual([
          { field: 'name', message: expect.stringContaining('already exists') },
        ]);
      }
      expect(await storedNamed(name)).toBe(1);
      expect((await second.client.me()).organisations).toEqual([]);
    });

    it('lets exactly one of concurrent creations of one name win', async () => {
      const users = await Promise.all([1, 2, 3, 4].map(() => registerUser(api)));
      const name = uniqueName('Race Org');
      const results = await Promise.all(
        users.map((u, i) =>
          u.client.raw('POST', '/organisations', {
            body: {
              name: i % 2 ? name.toUpperCase() : name,
              stakeholderType: 'union',
              country: 'ZA',
            },
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
      expect(await storedNamed(name)).toBe(1);
      const created = results.find((r) => r.status === 201)!.body as Organisation;
      expect(await memberships().countDocuments({ organisationId: new ObjectId(created.id) })).toBe(
        1,
      );
    });

    it('refuses an unknown stakeholderType, naming the field, and stores nothing', async () => {
      const user = await registerUser(api);
      const name = uniqueName('Typeless');
      const res = await user.client.raw('POST', '/organisations', {
        body: { name, stakeholderType: 'government', country: 'KE' },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION' });
      expect(fieldsOf(res)).toEqual(['stakeholderType']);
      expect((res.body as { message: string }).message).toContain('stakeholderType');
      expect(await storedNamed(name)).toBe(0);
    });

    it.each(['XX', 'KEN', 'k', '12', 'Kenya'])(
      'refuses country %p, naming the field, and stores nothing',
      async (country) => {
        const user = await registerUser(api);
        const name = uniqueName('Nowhere');
        const res = await user.client.raw('POST', '/organisations', {
          body: { name, stakeholderType: 'ngo', country },
        });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'VALIDATION' });
        expect(fieldsOf(res)).toEqual(['country']);
        expect((res.body as { message: string }).message).toContain('country');
        expect(await storedNamed(name)).toBe(0);
      },
    );

    it('refuses an unknown field (no self-verification), naming it, and stores nothing', async () => {
      const user = await registerUser(api);
      const name = uniqueName('Self Verified');
      const res = await user.client.raw('POST', '/organisations', {
        body: { name, stakeholderType: 'ngo', country: 'KE', verified: true },
      });
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['verified']);
      expect((res.body as { message: string }).message).toContain('verified');
      expect(await storedNamed(name)).toBe(0);
    });

    it('lets no prototype-pollution key verify an organisation', async () => {
      const user = await registerUser(api);
      for (const [label, extra] of [
        ['__proto__', '"__proto__": {"verified": true}'],
        ['constructor', '"constructor": {"prototype": {"verified": true}}'],
      ]) {
        const name = uniqueName(`Polluter ${label}`);
        const res = await fetch(`${t.baseUrl}/api/organisations`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${user.accessToken}`,
          },
          body: `{"name": ${JSON.stringify(name)}, "stakeholderType": "ngo", "country": "KE", ${extra}}`,
        });
        expect([201, 400]).toContain(res.status);
        const stored = await organisations().findOne({ nameNormalized: name.toLowerCase() });
        expect(stored?.verified ?? false).toBe(false);
      }
      expect(({} as Record<string, unknown>).verified).toBeUndefined();
      const other = await createOrganisation(user);
      expect(other.verified).toBe(false);
      expect((await organisations().findOne({ _id: new ObjectId(other.id) }))?.verified).toBe(
        false,
      );
    });

    it('names every missing field', async () => {
      const user = await registerUser(api);
      const res = await user.client.raw('POST', '/organisations', { body: {} });
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['country', 'name', 'stakeholderType']);
    });

    it('refuses an operator object as the name and stores nothing', async () => {
      const user = await registerUser(api);
      const before = await organisations().countDocuments();
      const res = await user.client.raw('POST', '/organisations', {
        body: { name: { $gt: '' }, stakeholderType: 'ngo', country: 'KE' },
      });
      expect(res.status).toBe(400);
      expect(fieldsOf(res)).toEqual(['name']);
      expect(await organisations().countDocuments()).toBe(before);
    });
  });

  describe('list', () => {
    it('filters by stakeholderType and by country (any case)', async () => {
      const user = await registerUser(api);
      const tok = token();
      await createOrganisation(user, {
        name: `Filter ${tok} A`,
        stakeholderType: 'ngo',
        country: 'KE',
      });
      await createOrganisation(user, {
        name: `Filter ${tok} B`,
        stakeholderType: 'state',
        country: 'KE',
      });
      await createOrganisation(user, {
        name: `Filter ${tok} C`,
        stakeholderType: 'ngo',
        country: 'BR',
      });

      const all = await user.client.organisations.list({ q: tok });
      expect(all.total).toBe(3);
      const ngos = await user.client.organisations.list({ q: tok, stakeholderType: 'ngo' });
      expect(names(ngos)).toEqual([`Filter ${tok} A`, `Filter ${tok} C`]);
      expect(ngos.total).toBe(2);
      const kenyan = await user.client.organisations.list({ q: tok, country: 'ke' });
      expect(names(kenyan)).toEqual([`Filter ${tok} A`, `Filter ${tok} B`]);
      expect(kenyan.items.every((o) => o.country === 'KE')).toBe(true);
      const both = await user.client.organisations.list({
        q: tok,
        stakeholderType: 'state',
        country: 'KE',
      });
      expect(names(both)).toEqual([`Filter ${tok} B`]);
      const none = await user.client.organisations.list({ q: tok, stakeholderType: 'academia' });
      expect(none).toMatchObject({ items: [], total: 0 });
    });

    it('folds spaces in the search text as names are folded', async () => {
      const user = await registerUser(api);
      const tok = token();
      await createOrganisation(user, { name: `Spaced Out ${tok}` });
      const found = await user.client.organisations.list({ q: `  spaced    out ${tok} ` });
      expect(names(found)).toEqual([`Spaced Out ${tok}`]);
    });

    it('searches names case-insensitively, anywhere in the name', async () => {
      const user = await registerUser(api);
      const tok = token();
      await createOrganisation(user, { name: `Amnesty Chapter ${tok}` });
      await createOrganisation(user, { name: `Trade Union ${tok}` });

      expect(
        names(await user.client.organisations.list({ q: `AMNESTY chapter ${tok.toUpperCase()}` })),
      ).toEqual([`Amnesty Chapter ${tok}`]);
      expect(names(await user.client.organisations.list({ q: `union ${tok}` }))).toEqual([
        `Trade Union ${tok}`,
      ]);
      expect((await user.client.organisations.list({ q: tok })).total).toBe(2);
    });

    it('matches regex characters in q literally', async () => {
      const user = await registerUser(api);
      const tok = token();
      await createOrganisation(user, { name: `Lit ${tok} x.*y` });
      await createOrganisation(user, { name: `Lit ${tok} xAnyY` });
      await createOrganisation(user, { name: `Lit ${tok} (Paren) [Br] a+b` });

      expect(names(await user.client.organisations.list({ q: `${tok} x.*y` }))).toEqual([
        `Lit ${tok} x.*y`,
      ]);
      expect((await user.client.organisations.list({ q: `${tok} .*` })).total).toBe(0);
      for (const q of [`${tok} (`, `${tok} (paren) [`, `) [br] a+b`]) {
        const res = await user.client.raw<{ items: Organisation[] }>('GET', '/organisations', {
          query: { q },
        });
        expect(res.status).toBe(200);
        expect(names(res.body).filter((n) => n.includes(tok))).toEqual([
          `Lit ${tok} (Paren) [Br] a+b`,
        ]);
      }
      expect((await user.client.organisations.list({ q: `${tok} ^Lit` })).total).toBe(0);
    });

    it('pages in a stable order by name with a correct total', async () => {
      const user = await registerUser(api);
      const tok = token();
      for (const suffix of ['E', 'a', 'C', 'b', 'D']) {
        await createOrganisation(user, { name: `Paging ${tok} ${suffix}` });
      }
      const expected = ['a', 'b', 'C', 'D', 'E'].map((s) => `Paging ${tok} ${s}`);

      const seen: string[] = [];
      for (const page of [1, 2, 3]) {
        const res = await user.client.organisations.list({ q: tok, page, limit: 2 });
        expect(res).toMatchObject({ total: 5, page, limit: 2 });
        expect(res.items).toHaveLength(page < 3 ? 2 : 1);
        seen.push(...names(res));
      }
      expect(seen).toEqual(expected);
      expect(await user.client.organisations.list({ q: tok, page: 4, limit: 2 })).toMatchObject({
        items: [],
        total: 5,
        page: 4,
      });
      // The same query twice gives the same page.
      const again = await user.client.organisations.list({ q: tok, page: 2, limit: 2 });
      expect(names(again)).toEqual(expected.slice(2, 4));
      // Defaults.
      expect(await user.client.organisations.list({ q: tok })).toMatchObject({
        total: 5,
        page: 1,
        limit: 20,
      });
    });

    it.each([
      [{ limit: 101 }, 'limit'],
      [{ limit: 0 }, 'limit'],
      [{ page: 0 }, 'page'],
      [{ page: -1 }, 'page'],
      [{ page: 'two' }, 'page'],
      [{ limit: 2.5 }, 'limit'],
      [{ stakeholderType: 'government' }, 'stakeholderType'],
      [{ country: 'XX' }, 'country'],
      [{ verified: 'yes' }, 'verified'],
    ])('refuses %p with a 400 naming %p', async (query, field) => {
      const user = await registerUser(api);
      const res = await user.client.raw('GET', '/organisations', { query });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION' });
      expect(fieldsOf(res)).toEqual([field]);
    });

    it('accepts the largest page size, 100', async () => {
      const user = await registerUser(api);
      const tok = token();
      await createOrganisation(user, { name: `Big Page ${tok}` });
      expect(await user.client.organisations.list({ q: tok, limit: 100 })).toMatchObject({
        total: 1,
        limit: 100,
      });
    });
  });

  describe('get', () => {
    it.each([
      ['an unknown id', new ObjectId().toHexString()],
      ['a malformed id (abc)', 'abc'],
      ['a malformed id (not-an-id)', 'not-an-id'],
      ['a 25-digit id', '0'.repeat(25)],
    ])('answers 404 for %s', async (_label, id) => {
      const user = await registerUser(api);
      const res = await user.client.raw('GET', `/organisations/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: expect.any(String),
      });
    });

    it('shows the members to members and platform admins, only the count to other users', async () => {
      const admin = await registerUser(api, { displayName: 'Org Admin' });
      const member = await registerUser(api, { displayName: 'Plain Member' });
      const outsider = await registerUser(api, { displayName: 'Outsider' });
      const auditor = await registerUser(api, {
        email: ADMINS.seesMembers,
        displayName: 'Platform Auditor',
      });
      expect(auditor.user.platformRole).toBe('admin');
      const org = await createOrganisation(admin);
      await admin.client.organisations.addMember(org.id, member.email, 'member');

      const expectedMembers = [
        { userId: admin.user.id, displayName: 'Org Admin', role: 'admin' },
        { userId: member.user.id, displayName: 'Plain Member', role: 'member' },
      ];
      const asAdmin = await admin.client.organisations.get(org.id);
      expect(asAdmin).toMatchObject({ memberCount: 2, myRole: 'admin' });
      expect(asAdmin.members).toEqual(expectedMembers.map((m) => expect.objectContaining(m)));

      const asMember = await member.client.organisations.get(org.id);
      expect(asMember).toMatchObject({ memberCount: 2, myRole: 'member' });
      expect(asMember.members).toEqual(expectedMembers.map((m) => expect.objectContaining(m)));

      const asAuditor = await auditor.client.organisations.get(org.id);
      expect(asAuditor).toMatchObject({ memberCount: 2, myRole: null });
      expect(asAuditor.members).toEqual(expectedMembers.map((m) => expect.objectContaining(m)));

      const asOutsider = await outsider.client.raw<Organisation>('GET', `/organisations/${org.id}`);
      expect(asOutsider.status).toBe(200);
      expect(asOutsider.body).toMatchObject({
        id: org.id,
        name: org.name,
        memberCount: 2,
        myRole: null,
      });
      expect(asOutsider.body).not.toHaveProperty('members');
      expect(JSON.stringify(asOutsider.body)).not.toContain(member.user.id);

      // Emails stay private even to those who see the members.
      expect(JSON.stringify(asAdmin)).not.toContain(member.email);
    });

    it('gives myRole per caller in the list too', async () => {
      const admin = await registerUser(api);
      const member = await registerUser(api);
      const outsider = await registerUser(api);
      const tok = token();
      await createOrganisation(admin, { name: `Roles ${tok}` });
      const [org] = (await admin.client.organisations.list({ q: tok })).items;
      await admin.client.organisations.addMember(org.id, member.email, 'member');

      const roleOf = async (user: TestUser) =>
        (await user.client.organisations.list({ q: tok })).items[0];
      expect(await roleOf(admin)).toMatchObject({ myRole: 'admin', memberCount: 2 });
      expect(await roleOf(member)).toMatchObject({ myRole: 'member', memberCount: 2 });
      expect(await roleOf(outsider)).toMatchObject({ myRole: null, memberCount: 2 });
    });
  });

  describe('add member', () => {
    const addRaw = (user: TestUser, orgId: string, body: unknown) =>
      user.client.raw('POST', `/organisations/${orgId}/members`, { body });

    it('lets an org admin add a member: 201 with userId, displayName and role', async () => {
      const admin = await registerUser(api);
      const newcomer = await registerUser(api, { displayName: 'New Comer' });
      const org = await createOrganisation(admin);

      const res = await addRaw(admin, org.id, { email: newcomer.email, role: 'member' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        userId: newcomer.user.id,
        displayName: 'New Comer',
        role: 'member',
      });
      const { addedAt } = res.body as { addedAt: string };
      expect(new Date(addedAt).toISOString()).toBe(addedAt);

      const after = await admin.client.organisations.get(org.id);
      expect(after.memberCount).toBe(2);
      expect(after.members?.map((m) => m.userId)).toEqual([admin.user.id, newcomer.user.id]);
      expect(
        await memberships().countDocuments({
          organisationId: new ObjectId(org.id),
          userId: new ObjectId(newcomer.user.id),
          role: 'member',
        }),
      ).toBe(1);
    });

    it('shows the added member the organisation in /me with the right role', async () => {
      const admin = await registerUser(api);
      const colleague = await registerUser(api);
      const helper = await registerUser(api);
      const org = await createOrganisation(admin, { stakeholderType: 'academia', country: 'DE' });
      await admin.client.organisations.addMember(org.id, colleague.email, 'admin');
      await admin.client.organisations.addMember(org.id, helper.email, 'member');

      expect((await colleague.client.me()).organisations).toEqual([
        {
          id: org.id,
          name: org.name,
          stakeholderType: 'academia',
          country: 'DE',
          verified: false,
          role: 'admin',
        },
      ]);
      expect((await helper.client.me()).organisations).toEqual([
        expect.objectContaining({ id: org.id, role: 'member' }),
      ]);
      expect((await colleague.client.organisations.get(org.id)).myRole).toBe('admin');

      // Several organisations are listed by name.
      const tok = token();
      const zeta = await createOrganisation(admin, { name: `Zeta ${tok}` });
      const alpha = await createOrganisation(admin, { name: `alpha ${tok}` });
      await admin.client.organisations.addMember(zeta.id, helper.email, 'admin');
      await admin.client.organisations.addMember(alpha.id, helper.email, 'member');
      // org.name is 'Organisation <hex>': between alpha and Zeta whatever the case.
      expect((await helper.client.me()).organisations.map((o) => [o.name, o.role])).toEqual([
        [`alpha ${tok}`, 'member'],
        [org.name, 'member'],
        [`Zeta ${tok}`, 'admin'],
      ]);

      // An admin added by another admin can manage members in turn.
      const third = await registerUser(api);
      const res = await addRaw(colleague, org.id, { email: third.email, role: 'member' });
      expect(res.status).toBe(201);
    });

    it('matches the email case-insensitively', async () => {
      const admin = await registerUser(api);
      const person = await registerUser(api, { email: uniqueEmail('Mixed.Case') });
      const org = await createOrganisation(admin);
      const added = await admin.client.organisations.addMember(
        org.id,
        `  ${person.email.toUpperCase()} `,
        'member',
      );
      expect(added.userId).toBe(person.user.id);
      expect((await person.client.me()).organisations.map((o) => o.id)).toEqual([org.id]);
    });

    it('refuses a plain member and a non-member with 403 and adds nobody', async () => {
      const admin = await registerUser(api);
      const member = await registerUser(api);
      const outsider = await registerUser(api);
      const target = await registerUser(api);
      const org = await createOrganisation(admin);
      await admin.client.organisations.addMember(org.id, member.email, 'member');

      for (const caller of [member, outsider]) {
        const res = await addRaw(caller, org.id, { email: target.email, role: 'member' });
        expect(res.status).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
      }
      // Nor can anyone promote themselves in.
      const self = await addRaw(outsider, org.id, { email: outsider.email, role: 'admin' });
      expect(self.status).toBe(403);

      expect(await memberships().countDocuments({ organisationId: new ObjectId(org.id) })).toBe(2);
      expect((await target.client.me()).organisations).toEqual([]);
      expect((await outsider.client.me()).organisations).toEqual([]);
    });

    it('answers 404 naming the email when no account has it', async () => {
      const admin = await registerUser(api);
      const org = await createOrganisation(admin);
      const email = uniqueEmail('ghost');
      const error = await apiError(admin.client.organisations.addMember(org.id, email, 'member'));
      expect(error.status).toBe(404);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain(email);
      expect(await memberships().countDocuments({ organisationId: new ObjectId(org.id) })).toBe(1);
    });

    it('answers 404 for an unknown or malformed organisation id', async () => {
      const admin = await registerUser(api);
      const person = await registerUser(api);
      for (const id of [new ObjectId().toHexString(), 'not-an-id']) {
        const res = await addRaw(admin, id, { email: person.email, role: 'member' });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
      }
      expect(await memberships().countDocuments({ userId: new ObjectId(person.user.id) })).toBe(0);
    });

    it('answers 409 for someone who already is a member, and keeps their role', async () => {
      const admin = await registerUser(api);
      const member = await registerUser(api);
      const org = await createOrganisation(admin);
      await admin.client.organisations.addMember(org.id, member.email, 'member');

      const again = await apiError(
        admin.client.organisations.addMember(org.id, member.email, 'admin'),
      );
      expect(again.status).toBe(409);
      expect(again.code).toBe('CONFLICT');
      const creator = await apiError(
        admin.client.organisations.addMember(org.id, admin.email, 'member'),
      );
      expect(creator.status).toBe(409);

      const stored = await memberships()
        .find({ organisationId: new ObjectId(org.id) })
        .toArray();
      expect(stored.map((m) => [m.userId.toString(), m.role]).sort()).toEqual(
        [
          [admin.user.id, 'admin'],
          [member.user.id, 'member'],
        ].sort(),
      );
    });

    it.each([
      [{ email: 'not-an-email', role: 'member' }, ['email']],
      [{ email: 'someone@test.accord.example', role: 'owner' }, ['role']],
      [{ email: 'someone@test.accord.example', role: 'member', userId: 'x' }, ['userId']],
      [{ email: { $ne: null }, role: 'member' }, ['email']],
      [{}, ['email', 'role']],
    ])('refuses body %p with a 400 naming %p', async (body, fields) => {
      const admin = await registerUser(api);
      const org = await createOrganisation(admin);
      const res = await addRaw(admin, org.id, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION' });
      expect(fieldsOf(res)).toEqual(fields);
      expect(await memberships().countDocuments({ organisationId: new ObjectId(org.id) })).toBe(1);
    });

    it('lets exactly one of 5 concurrent adds of the same person win, and stores one membership', async () => {
      const admin = await registerUser(api);
      const person = await registerUser(api);
      const org = await createOrganisation(admin);
      const results = await Promise.all(
        [0, 1, 2, 3, 4].map((i) =>
          addRaw(admin, org.id, {
            email: i % 2 ? person.email.toUpperCase() : person.email,
            role: 'member',
          }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.body).toMatchObject({ code: 'CONFLICT' });
      }
      expect(
        await memberships().countDocuments({
          organisationId: new ObjectId(org.id),
          userId: new ObjectId(person.user.id),
        }),
      ).toBe(1);
      expect((await admin.client.organisations.get(org.id)).memberCount).toBe(2);
    });
  });

  describe('verification (PATCH /organisations/:id)', () => {
    it('lets a platform admin verify an organisation, which verified=true then finds', async () => {
      const chair = await registerUser(api, { email: ADMINS.verifies });
      expect(chair.user.platformRole).toBe('admin');
      const owner = await registerUser(api);
      const tok = token();
      const target = await createOrganisation(owner, { name: `Verify ${tok} A` });
      await createOrganisation(owner, { name: `Verify ${tok} B` });

      const res = await chair.client.raw<Organisation>('PATCH', `/organisations/${target.id}`, {
        body: { verified: true },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: target.id, verified: true, name: target.name });

      expect(names(await owner.client.organisations.list({ q: tok, verified: true }))).toEqual([
        `Verify ${tok} A`,
      ]);
      expect(names(await owner.client.organisations.list({ q: tok, verified: false }))).toEqual([
        `Verify ${tok} B`,
      ]);
      expect((await owner.client.organisations.get(target.id)).verified).toBe(true);
      expect(
        (await owner.client.me()).organisations.find((o) => o.id === target.id)?.verified,
      ).toBe(true);
      expect((await organisations().findOne({ _id: new ObjectId(target.id) }))?.verified).toBe(
        true,
      );

      // And back.
      expect((await chair.client.organisations.setVerified(target.id, false)).verified).toBe(false);
      expect((await owner.client.organisations.list({ q: tok, verified: true })).total).toBe(0);
    });

    it('refuses an org admin who is not a platform admin with 403 and changes nothing', async () => {
      const owner = await registerUser(api);
      const org = await createOrganisation(owner);
      const error = await apiError(owner.client.organisations.setVerified(org.id, true));
      expect(error.status).toBe(403);
      expect(error.code).toBe('FORBIDDEN');
      expect((await owner.client.organisations.get(org.id)).verified).toBe(false);
      expect((await organisations().findOne({ _id: new ObjectId(org.id) }))?.verified).toBe(false);
    });

    it('refuses a non-boolean verified and an unknown field with 400, changing nothing', async () => {
      const steward = await registerUser(api, { email: ADMINS.badPatch });
      const owner = await registerUser(api);
      const org = await createOrganisation(owner);

      const yes = await steward.client.raw('PATCH', `/organisations/${org.id}`, {
        body: { verified: 'yes' },
      });
      expect(yes.status).toBe(400);
      expect(fieldsOf(yes)).toEqual(['verified']);

      const extra = await steward.client.raw('PATCH', `/organisations/${org.id}`, {
        body: { verified: true, name: 'Hijacked' },
      });
      expect(extra.status).toBe(400);
      expect(fieldsOf(extra)).toEqual(['name']);
      expect((extra.body as { message: string }).message).toContain('name');

      const stored = await organisations().findOne({ _id: new ObjectId(org.id) });
      expect(stored).toMatchObject({ name: org.name, verified: false });
    });

    it('answers a platform admin 404 for an unknown or malformed id', async () => {
      const registrar = await registerUser(api, { email: ADMINS.unknownOrg });
      for (const id of [new ObjectId().toHexString(), 'abc']) {
        const res = await registrar.client.raw('PATCH', `/organisations/${id}`, {
          body: { verified: true },
        });
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
      }
    });
  });

  describe('without a sign-in', () => {
    it('answers 401 on every organisations route and stores nothing', async () => {
      const owner = await registerUser(api);
      const someone = await registerUser(api);
      const org = await createOrganisation(owner);
      const name = uniqueName('Anonymous');
      const attempts: [string, string, unknown?][] = [
        ['GET', '/organisations'],
        ['POST', '/organisations', { name, stakeholderType: 'ngo', country: 'KE' }],
        ['GET', `/organisations/${org.id}`],
        ['PATCH', `/organisations/${org.id}`, { verified: true }],
        ['POST', `/organisations/${org.id}/members`, { email: someone.email, role: 'admin' }],
        ['GET', '/me'],
      ];
      for (const [method, path, body] of attempts) {
        const res = await api.raw(method, path, { body });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 401 });
        expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
      }
      // A bearer token that is not ours is no better.
      expect((await api.withToken('not.a.token').raw('GET', '/organisations')).status).toBe(401);

      expect(await storedNamed(name)).toBe(0);
      expect(await memberships().countDocuments({ organisationId: new ObjectId(org.id) })).toBe(1);
      expect((await organisations().findOne({ _id: new ObjectId(org.id) }))?.verified).toBe(false);
    });
  });
});
