// The mongoose features Accord relies on, proven on the real test engine (FerretDB 1.24 with
// SQLite in tests, MongoDB 7 in production). Every assertion holds on both engines: nothing
// here depends on how concurrent *updates* of one document interleave; concurrency is only
// exercised on inserts guarded by unique indexes, which both engines make atomic.
import '@accord/core'; // applies the project's global mongoose settings (sanitizeFilter, strictQuery)
import { AccordApiError } from '@accord/client';
import { MongoClient } from 'mongodb';
import mongoose, { type Connection, Schema, Types } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { registerUser, uniqueName } from '../support/factories';
import { freshDatabaseUri, startTestApp, type TestApp } from '../support/test-app';

const CONCURRENT = 50;

function suffix(): string {
  return randomBytes(4).toString('hex');
}

function duplicateKeyErrors(results: PromiseSettledResult<unknown>[]): unknown[] {
  return results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason);
}

describe('mongoose features on the real engine', () => {
  let conn: Connection;

  beforeAll(async () => {
    conn = await mongoose.createConnection(freshDatabaseUri('accord_mongoose')).asPromise();
  });

  afterAll(async () => {
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('runs with the project-wide sanitizeFilter and strictQuery settings', () => {
    expect(mongoose.get('sanitizeFilter')).toBe(true);
    expect(mongoose.get('strictQuery')).toBe('throw');
  });

  describe('unique index', () => {
    const schema = new Schema({
      key: { type: String, required: true, unique: true },
      label: String,
    });

    it('rejects a duplicate with E11000 (code 11000) and keeps the first document', async () => {
      const Model = conn.model(`UniqueSeq_${suffix()}`, schema);
      await Model.init();
      await Model.create({ key: 'alpha', label: 'first' });

      const error = await Model.create({ key: 'alpha', label: 'second' }).then(
        () => undefined,
        (e: unknown) => e as { code?: number; message?: string },
      );
      expect(error).toBeDefined();
      expect(error?.code).toBe(11000);
      expect(error?.message).toContain('E11000');

      const stored = await Model.find({ key: 'alpha' }).lean();
      expect(stored).toHaveLength(1);
      expect(stored[0].label).toBe('first');
      // A different key is still accepted.
      await Model.create({ key: 'beta' });
      expect(await Model.countDocuments()).toBe(2);
    });

    it(`lets exactly one of ${CONCURRENT} concurrent inserts of the same key succeed`, async () => {
      const Model = conn.model(`UniqueConc_${suffix()}`, schema);
      await Model.init();

      const results = await Promise.allSettled(
        Array.from({ length: CONCURRENT }, (_, i) =>
          Model.create({ key: 'same', label: `writer ${i}` }),
        ),
      );

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const errors = duplicateKeyErrors(results);
      expect(errors).toHaveLength(CONCURRENT - 1);
      expect(errors.map((e) => (e as { code?: number }).code)).toEqual(
        Array(CONCURRENT - 1).fill(11000),
      );
      expect(await Model.countDocuments({ key: 'same' })).toBe(1);
    });
  });

  describe('compound unique index', () => {
    const schema = new Schema({
      coalitionId: { type: Schema.Types.ObjectId, required: true },
      userId: { type: Schema.Types.ObjectId, required: true },
      role: String,
    });
    schema.index({ coalitionId: 1, userId: 1 }, { unique: true });

    it('rejects a duplicate pair and accepts the same first field with another second field', async () => {
      const Model = conn.model(`CompoundSeq_${suffix()}`, schema);
      await Model.init();
      const coalitionId = new Types.ObjectId();
      const [ana, ben] = [new Types.ObjectId(), new Types.ObjectId()];

      await Model.create({ coalitionId, userId: ana, role: 'organiser' });
      const duplicate = await Model.create({ coalitionId, userId: ana, role: 'member' }).then(
        () => undefined,
        (e: unknown) => e as { code?: number },
      );
      expect(duplicate?.code).toBe(11000);

      await expect(
        Model.create({ coalitionId, userId: ben, role: 'member' }),
      ).resolves.toBeDefined();
      // The same second field under another first field is a different pair too.
      await expect(
        Model.create({ coalitionId: new Types.ObjectId(), userId: ana, role: 'member' }),
      ).resolves.toBeDefined();

      const rows = await Model.find({ coalitionId }).sort({ role: 1 }).lean();
      expect(rows.map((r) => [r.userId.toString(), r.role])).toEqual([
        [ben.toString(), 'member'],
        [ana.toString(), 'organiser'],
      ]);
    });

    it(`lets exactly one of ${CONCURRENT} concurrent inserts of the same pair succeed`, async () => {
      const Model = conn.model(`CompoundConc_${suffix()}`, schema);
      await Model.init();
      const coalitionId = new Types.ObjectId();
      const userId = new Types.ObjectId();

      const results = await Promise.allSettled(
        Array.from({ length: CONCURRENT }, (_, i) =>
          Model.create({ coalitionId, userId, role: `r${i}` }),
        ),
      );

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const errors = duplicateKeyErrors(results);
      expect(errors.map((e) => (e as { code?: number }).code)).toEqual(
        Array(CONCURRENT - 1).fill(11000),
      );
      expect(await Model.countDocuments({ coalitionId, userId })).toBe(1);
    });
  });

  describe('findOneAndUpdate with a version condition (sequential)', () => {
    const schema = new Schema({ title: String, version: { type: Number, required: true } });

    it('updates and bumps the version when the version matches; a stale version gets null and changes nothing', async () => {
      const Model = conn.model(`Versioned_${suffix()}`, schema);
      const created = await Model.create({ title: 'draft', version: 1 });

      const updated = await Model.findOneAndUpdate(
        { _id: created._id, version: 1 },
        { $set: { title: 'second draft' }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      ).lean();
      expect(updated).toMatchObject({ title: 'second draft', version: 2 });

      // A writer still holding version 1 loses: no match, no change.
      const stale = await Model.findOneAndUpdate(
        { _id: created._id, version: 1 },
        { $set: { title: 'stale overwrite' }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      ).lean();
      expect(stale).toBeNull();
      expect(await Model.findById(created._id).lean()).toMatchObject({
        title: 'second draft',
        version: 2,
      });

      // The writer with the current version goes through.
      const third = await Model.findOneAndUpdate(
        { _id: created._id, version: 2 },
        { $set: { title: 'third draft' }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      ).lean();
      expect(third).toMatchObject({ title: 'third draft', version: 3 });
    });
  });

  describe('update operators (sequential)', () => {
    // Only the forms both engines implement: $pull of exact values (FerretDB 1.24 silently
    // ignores a $pull whose value is a query condition such as { $gte: 2 } or a partial document).
    it('applies $push, $pull and $inc to give the expected document', async () => {
      const Model = conn.model(
        `Operators_${suffix()}`,
        new Schema({
          tags: [String],
          counter: Number,
          reactions: [new Schema({ emoji: String, by: String }, { _id: false })],
        }),
      );
      const doc = await Model.create({ tags: ['a'], counter: 0, reactions: [] });
      const id = doc._id;

      await Model.updateOne({ _id: id }, { $push: { tags: 'b' } });
      await Model.updateOne({ _id: id }, { $push: { tags: { $each: ['c', 'd', 'b'] } } });
      await Model.updateOne({ _id: id }, { $inc: { counter: 5 } });
      await Model.updateOne({ _id: id }, { $inc: { counter: -2 } });
      await Model.updateOne({ _id: id }, { $push: { reactions: { emoji: '👍', by: 'ana' } } });
      await Model.updateOne({ _id: id }, { $push: { reactions: { emoji: '🎉', by: 'ben' } } });
      expect(await Model.findById(id).lean()).toMatchObject({
        tags: ['a', 'b', 'c', 'd', 'b'],
        counter: 3,
        reactions: [
          { emoji: '👍', by: 'ana' },
          { emoji: '🎉', by: 'ben' },
        ],
      });

      await Model.updateOne({ _id: id }, { $pull: { tags: 'b' } }); // removes every 'b'
      await Model.updateOne({ _id: id }, { $pull: { reactions: { emoji: '👍', by: 'ana' } } });
      await Model.updateOne({ _id: id }, { $inc: { counter: 1 } });

      const stored = await Model.findById(id).lean();
      expect(stored?.tags).toEqual(['a', 'c', 'd']);
      expect(stored?.counter).toBe(4);
      expect(stored?.reactions).toEqual([{ emoji: '🎉', by: 'ben' }]);
    });
  });

  describe('populate', () => {
    it('resolves a single ref and an array of refs across two models', async () => {
      const s = suffix();
      const orgModelName = `PopOrg_${s}`;
      const Org = conn.model(orgModelName, new Schema({ name: String, stakeholderType: String }));
      const Coalition = conn.model(
        `PopCoalition_${s}`,
        new Schema({
          name: String,
          lead: { type: Schema.Types.ObjectId, ref: orgModelName },
          members: [{ type: Schema.Types.ObjectId, ref: orgModelName }],
        }),
      );
      const [ngo, state, union] = await Org.create([
        { name: 'Rights Watch', stakeholderType: 'ngo' },
        { name: 'Republic of Example', stakeholderType: 'state' },
        { name: 'Workers United', stakeholderType: 'union' },
      ]);
      const coalition = await Coalition.create({
        name: 'SDG 16.10',
        lead: ngo._id,
        members: [union._id, ngo._id, state._id],
      });

      const found = await Coalition.findById(coalition._id)
        .populate<{ lead: { name: string; stakeholderType: string } }>('lead')
        .populate<{ members: { name: string; stakeholderType: string }[] }>({
          path: 'members',
          select: { name: 1 },
        })
        .lean();

      expect(found?.lead).toMatchObject({ name: 'Rights Watch', stakeholderType: 'ngo' });
      // Array order is kept, and `select` is honoured.
      expect(found?.members.map((m) => m.name)).toEqual([
        'Workers United',
        'Rights Watch',
        'Republic of Example',
      ]);
      expect(found?.members.every((m) => m.stakeholderType === undefined)).toBe(true);

      // A ref to a document that does not exist populates as null (single) / is dropped (array).
      const dangling = await Coalition.create({
        name: 'Orphan',
        lead: new Types.ObjectId(),
        members: [new Types.ObjectId(), state._id],
      });
      const orphan = await Coalition.findById(dangling._id)
        .populate('lead')
        .populate('members')
        .lean();
      expect(orphan?.lead).toBeNull();
      expect((orphan?.members as unknown as { name: string }[]).map((m) => m.name)).toEqual([
        'Republic of Example',
      ]);
    });
  });

  describe('paging', () => {
    it('gives disjoint, complete, ordered pages with sort + skip + limit, and countDocuments the total', async () => {
      const Model = conn.model(`Paged_${suffix()}`, new Schema({ group: String, rank: Number }));
      // Ties on rank are broken by _id, so the order is total.
      const docs = await Model.create(
        Array.from({ length: 23 }, (_, i) => ({ group: 'mine', rank: i % 7 })).concat([
          { group: 'other', rank: 0 },
        ]),
      );
      const filter = { group: 'mine' };
      const limit = 5;

      const total = await Model.countDocuments(filter);
      expect(total).toBe(23);

      const pages: { _id: Types.ObjectId; rank?: number | null }[][] = [];
      for (let page = 1; page <= Math.ceil(total / limit) + 1; page++) {
        pages.push(
          await Model.find(filter)
            .sort({ rank: 1, _id: 1 })
            .skip((page - 1) * limit)
            .limit(limit)
            .lean(),
        );
      }
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3, 0]);

      const seen = pages.flat().map((d) => d._id.toString());
      expect(new Set(seen).size).toBe(seen.length); // disjoint
      const expected = docs
        .filter((d) => d.group === 'mine')
        .sort(
          (a, b) =>
            (a.rank as number) - (b.rank as number) ||
            (a._id.toString() < b._id.toString() ? -1 : 1),
        )
        .map((d) => d._id.toString());
      expect(seen).toEqual(expected); // complete and in order across pages
    });
  });

  describe('aggregation', () => {
    it('counts with $match + $group + $sum and sorts with $sort', async () => {
      const Model = conn.model(
        `Agg_${suffix()}`,
        new Schema({ coalition: String, stakeholderType: String, weight: Number }),
      );
      const rows: [string, string, number][] = [
        ['c1', 'ngo', 1],
        ['c1', 'ngo', 2],
        ['c1', 'state', 3],
        ['c1', 'union', 4],
        ['c1', 'ngo', 5],
        ['c1', 'state', 6],
        ['c2', 'ngo', 100],
        ['c2', 'business', 100],
      ];
      await Model.create(
        rows.map(([coalition, stakeholderType, weight]) => ({
          coalition,
          stakeholderType,
          weight,
        })),
      );

      // One accumulator per $group: FerretDB 1.24 computes only the first accumulator of a
      // $group stage (the others come back as 0), so Accord never asks for two at once.
      const counts = await Model.aggregate<{ _id: string; count: number }>([
        { $match: { coalition: 'c1' } },
        { $group: { _id: '$stakeholderType', count: { $sum: 1 } } },
        { $sort: { count: -1, _id: 1 } },
      ]);
      expect(counts).toEqual([
        { _id: 'ngo', count: 3 },
        { _id: 'state', count: 2 },
        { _id: 'union', count: 1 },
      ]);

      const weights = await Model.aggregate<{ _id: string; weight: number }>([
        { $match: { coalition: 'c1' } },
        { $group: { _id: '$stakeholderType', weight: { $sum: '$weight' } } },
        { $sort: { weight: -1 } },
      ]);
      expect(weights).toEqual([
        { _id: 'state', weight: 9 },
        { _id: 'ngo', weight: 8 },
        { _id: 'union', weight: 4 },
      ]);
    });
  });

  describe('sanitizeFilter', () => {
    // What a JSON body like {"email": {"$ne": null}} parses to, in code that believes it got a string.
    const injected = () => (JSON.parse('{"email":{"$ne":null}}') as { email: string }).email;

    it('does not let a { $ne: null } from user input match every document (typed path: refused)', async () => {
      const Model = conn.model(`Sanitize_${suffix()}`, new Schema({ email: String, name: String }));
      await Model.create([
        { email: 'ana@example.org', name: 'Ana' },
        { email: 'ben@example.org', name: 'Ben' },
      ]);

      // Wrapped in $eq by sanitizeFilter, the object cannot be cast to a string: refused, nothing returned.
      await expect(Model.find({ email: injected() }).lean()).rejects.toBeInstanceOf(
        mongoose.Error.CastError,
      );
      await expect(Model.findOne({ email: injected() }).lean()).rejects.toBeInstanceOf(
        mongoose.Error.CastError,
      );
      await expect(Model.countDocuments({ email: injected() })).rejects.toBeInstanceOf(
        mongoose.Error.CastError,
      );

      // The very same operator, explicitly trusted by code, does match everything: the
      // guard above is what kept the injection out.
      expect(await Model.countDocuments({ email: mongoose.trusted({ $ne: null }) })).toBe(2);
      // A plain value from input still works as an equality match.
      expect((await Model.find({ email: 'ben@example.org' }).lean()).map((d) => d.name)).toEqual([
        'Ben',
      ]);
    });

    it('does not let a { $ne: null } from user input match every document (untyped path: matched literally)', async () => {
      const Model = conn.model(
        `SanitizeMixed_${suffix()}`,
        new Schema({ email: Schema.Types.Mixed, name: String }),
      );
      await Model.create([
        { email: 'ana@example.org', name: 'Ana' },
        { email: 'ben@example.org', name: 'Ben' },
      ]);

      expect(await Model.find({ email: injected() }).lean()).toEqual([]);
      expect(await Model.findOne({ email: injected() }).lean()).toBeNull();
      expect(await Model.countDocuments({ email: injected() })).toBe(0);
      expect(await Model.countDocuments({ email: mongoose.trusted({ $ne: null }) })).toBe(2);
    });

    it('refuses a filter on a path the schema does not have (strictQuery: throw)', async () => {
      const Model = conn.model(`Strict_${suffix()}`, new Schema({ email: String }));
      await Model.create({ email: 'ana@example.org' });
      await expect(Model.find({ notAField: 'x' }).lean()).rejects.toThrow(/notAField/);
    });
  });
});

describe('unique index surfaced over HTTP', () => {
  let t: TestApp;
  let mongo: MongoClient;

  beforeAll(async () => {
    t = await startTestApp();
    mongo = await MongoClient.connect(t.mongodbUri);
  });

  afterAll(async () => {
    await mongo?.close();
    await t?.close();
  });

  it('answers 409 CONFLICT to a second organisation whose name differs only by case, and stores one', async () => {
    const user = await registerUser(t.client());
    const name = uniqueName('Human Rights Alliance');
    const first = await user.client.organisations.create({
      name,
      stakeholderType: 'ngo',
      country: 'KE',
    });
    expect(first.name).toBe(name);

    const error = await user.client.organisations
      .create({ name: name.toUpperCase(), stakeholderType: 'state', country: 'FR' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(AccordApiError);
    expect((error as AccordApiError).status).toBe(409);
    expect((error as AccordApiError).code).toBe('CONFLICT');

    const stored = await mongo
      .db()
      .collection('organisations')
      .find({ nameNormalized: name.toLowerCase() })
      .toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name, stakeholderType: 'ngo', country: 'KE' });
  });

  it('lets exactly one of several concurrent creations of case-variant names win; the others get 409', async () => {
    const user = await registerUser(t.client());
    const name = uniqueName('Coalition for Fair Courts');
    const variants = [
      name,
      name.toUpperCase(),
      name.toLowerCase(),
      `  ${name}  `,
      name.replace(/ /g, '   '),
    ];
    const results = await Promise.allSettled(
      [...variants, ...variants].map((variant) =>
        user.client.organisations.create({ name: variant, stakeholderType: 'ngo', country: 'KE' }),
      ),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => r.reason as AccordApiError);
    expect(rejected.map((e) => [e.status, e.code])).toEqual(
      Array(variants.length * 2 - 1).fill([409, 'CONFLICT']),
    );
    expect(
      await mongo
        .db()
        .collection('organisations')
        .countDocuments({ nameNormalized: name.toLowerCase() }),
    ).toBe(1);
  });
});
