import '@accord/core';
import { type Comment, CommentSchema, CommentsRepository, type NewComment } from '@accord/rooms';
import mongoose, { type Connection, type Model, Types } from 'mongoose';
import { freshDatabaseUri } from '../support/test-app';

/**
 * The per-room comment sequence on the real engine: two repositories stand for two API nodes
 * writing into one room at once.
 */
describe('comment seq allocation (real engine)', () => {
  let connection: Connection;
  let model: Model<Comment>;

  beforeAll(async () => {
    connection = await mongoose.createConnection(freshDatabaseUri('accord_rooms')).asPromise();
    model = connection.model<Comment>('Comment', CommentSchema);
    await model.init();
  });

  afterAll(async () => {
    await connection?.close();
  });

  const comment = (
    coalitionId: Types.ObjectId,
    n: number,
    authorId = new Types.ObjectId(),
  ): NewComment => ({
    coalitionId,
    authorId,
    organisationId: null,
    clientMsgId: `msg-${n}`,
    body: `comment ${n}`,
    parentId: null,
    anchor: null,
  });

  it('gives 40 concurrent comments from two nodes the seqs 1..40, each once', async () => {
    const nodeA = new CommentsRepository(model);
    const nodeB = new CommentsRepository(model);
    const room = new Types.ObjectId();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? nodeA : nodeB).create(comment(room, i))),
    );
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.map((r) => r.comment.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    expect(await nodeA.lastSeq(room)).toBe(40);
  });

  it('stores a retried clientMsgId once and answers with the stored comment', async () => {
    const repo = new CommentsRepository(model);
    const room = new Types.ObjectId();
    const author = new Types.ObjectId();
    const [first, second, third] = await Promise.all([
      repo.create(comment(room, 1, author)),
      new CommentsRepository(model).create(comment(room, 1, author)),
      repo.create(comment(room, 1, author)),
    ]);
    const ids = new Set([first, second, third].map((r) => r.comment._id.toString()));
    expect(ids.size).toBe(1);
    expect([first, second, third].filter((r) => r.created)).toHaveLength(1);
    expect(await model.countDocuments({ coalitionId: room })).toBe(1);
  });

  it('replays what came after a seq, in order, and the latest page in order', async () => {
    const repo = new CommentsRepository(model);
    const room = new Types.ObjectId();
    for (let i = 0; i < 12; i++) await repo.create(comment(room, i));
    expect((await repo.after(room, 7, 100)).map((c) => c.seq)).toEqual([8, 9, 10, 11, 12]);
    expect((await repo.latest(room, 5)).map((c) => c.seq)).toEqual([8, 9, 10, 11, 12]);
  });
});
