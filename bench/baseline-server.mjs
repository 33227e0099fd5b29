// The fan-out benchmark's BASELINE: a bare socket.io 4.8 server doing the same work per comment
// as Accord, with nothing else around it: a token check (the token is a user id, no JWT), hand
// validation of the payload, a per-user token bucket (10 events/s, bursts of 30), then per room
// and one at a time: one read of the room's seq and one insert with the raw mongodb driver into
// the same engine (unique indexes (coalitionId, seq) and (coalitionId, authorId, clientMsgId), as
// Accord's), then `comment:created` to the room and the ack.
//
// How the seq is read (BASELINE_SEQ):
//   counter (default)  findOneAndUpdate {$inc} on a per-room counter document, by _id
//   max                findOne({coalitionId}).sort({seq: -1}) — Accord's way; on FerretDB 1.24 with
//                      SQLite a sorted or non-matching query scans the whole collection, so this
//                      costs more engine CPU with every stored comment
//
// Env: PORT, HOST (127.0.0.1), MONGODB_URI (with a database name in the path), BASELINE_SEQ.
// Events: room:join {coalitionId} → {comments: [], seq}, comment:create {coalitionId, body,
// clientMsgId} → the comment. GET /api/health → {"status":"ok"}.
import { createServer } from 'node:http';
import { MongoClient, ObjectId } from 'mongodb';
import { Server } from 'socket.io';

const PORT = Number(process.env.PORT ?? 0);
const HOST = process.env.HOST ?? '127.0.0.1';
const MONGODB_URI = process.env.MONGODB_URI;
if (!MONGODB_URI) {
  process.stderr.write('MONGODB_URI is required\n');
  process.exit(78);
}

const OBJECT_ID = /^[0-9a-f]{24}$/;
const CLIENT_MSG_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MAX_BODY = 10_000;
const SEQ_MODE = process.env.BASELINE_SEQ ?? 'counter';
if (SEQ_MODE !== 'counter' && SEQ_MODE !== 'max') {
  process.stderr.write('BASELINE_SEQ must be counter or max\n');
  process.exit(78);
}

const mongo = new MongoClient(MONGODB_URI);
await mongo.connect();
const comments = mongo.db().collection('comments');
await comments.createIndex({ coalitionId: 1, seq: 1 }, { unique: true });
await comments.createIndex({ coalitionId: 1, authorId: 1, clientMsgId: 1 }, { unique: true });
const counters = mongo.db().collection('room_seqs');

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  res.writeHead(404).end();
});
const ioServer = new Server(http, { maxHttpBufferSize: 64 * 1024, serveClient: false });

ioServer.use((socket, next) => {
  const token = socket.handshake.auth?.token;
  if (typeof token !== 'string' || !OBJECT_ID.test(token)) {
    next(new Error('unauthorized'));
    return;
  }
  socket.data.userId = token;
  socket.data.rooms = new Set();
  next();
});

// ---- per-user token bucket (as Accord's EventRateLimiter)
const buckets = new Map();
function take(userId, now = Date.now()) {
  const bucket = buckets.get(userId) ?? { tokens: 30, updatedAt: now };
  bucket.tokens = Math.min(30, bucket.tokens + ((now - bucket.updatedAt) / 1000) * 10);
  bucket.updatedAt = now;
  buckets.set(userId, bucket);
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

const fail = (code, message) => ({ ok: false, error: { code, message } });
const reply = (ack, value) => {
  if (typeof ack === 'function') ack(value);
};

// ---- per-room queue: one seq allocation at a time per room (as Accord's CommentsRepository)
const queues = new Map();
function inRoomQueue(roomId, task) {
  const previous = queues.get(roomId) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(task);
  queues.set(roomId, run);
  return run.finally(() => {
    if (queues.get(roomId) === run) queues.delete(roomId);
  });
}

async function lastSeq(coalitionId) {
  const last = await comments.findOne(
    { coalitionId },
    { sort: { seq: -1 }, projection: { seq: 1 } },
  );
  return last?.seq ?? 0;
}

async function nextSeq(coalitionId) {
  if (SEQ_MODE === 'max') return (await lastSeq(coalitionId)) + 1;
  const counter = await counters.findOneAndUpdate(
    { _id: coalitionId.toHexString() },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after' },
  );
  return counter.seq;
}

async function insertComment(coalitionId, authorId, clientMsgId, body) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const seq = await nextSeq(coalitionId);
    const now = new Date();
    const doc = {
      _id: new ObjectId(),
      coalitionId,
      seq,
      authorId,
      organisationId: null,
      clientMsgId,
      body,
      parentId: null,
      anchor: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await comments.insertOne(doc);
      return doc;
    } catch (error) {
      if (error?.code !== 11000) throw error;
    }
  }
  throw new Error('could not allocate a seq');
}

const view = (c) => ({
  id: c._id.toHexString(),
  coalitionId: c.coalitionId.toHexString(),
  seq: c.seq,
  authorId: c.authorId.toHexString(),
  organisationId: null,
  body: c.body,
  parentId: null,
  anchor: null,
  createdAt: c.createdAt.toISOString(),
});

ioServer.on('connection', (socket) => {
  void socket.join(`user:${socket.data.userId}`);

  socket.on('room:join', async (payload, ack) => {
    if (!take(socket.data.userId)) return reply(ack, fail('RATE_LIMITED', 'Too many events'));
    if (
      typeof payload !== 'object' ||
      payload === null ||
      typeof payload.coalitionId !== 'string' ||
      !OBJECT_ID.test(payload.coalitionId)
    ) {
      return reply(ack, fail('VALIDATION', 'coalitionId must be a coalition id'));
    }
    try {
      const seq =
        SEQ_MODE === 'max'
          ? await lastSeq(new ObjectId(payload.coalitionId))
          : ((await counters.findOne({ _id: payload.coalitionId }))?.seq ?? 0);
      socket.data.rooms.add(payload.coalitionId);
      await socket.join(`coalition:${payload.coalitionId}`);
      reply(ack, { ok: true, data: { presence: [], comments: [], seq } });
    } catch (error) {
      process.stderr.write(`room:join: ${error?.stack ?? error}\n`);
      reply(ack, fail('INTERNAL', 'Something went wrong'));
    }
  });

  socket.on('comment:create', async (payload, ack) => {
    if (!take(socket.data.userId)) return reply(ack, fail('RATE_LIMITED', 'Too many events'));
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return reply(ack, fail('VALIDATION', 'payload must be an object'));
    }
    const { coalitionId, body, clientMsgId } = payload;
    for (const key of Object.keys(payload)) {
      if (key !== 'coalitionId' && key !== 'body' && key !== 'clientMsgId') {
        return reply(ack, fail('VALIDATION', `property ${key} should not exist`));
      }
    }
    if (typeof coalitionId !== 'string' || !OBJECT_ID.test(coalitionId)) {
      return reply(ack, fail('VALIDATION', 'coalitionId must be a coalition id'));
    }
    if (typeof body !== 'string' || body.length > MAX_BODY) {
      return reply(
        ack,
        fail('VALIDATION', `body must be a string of at most ${MAX_BODY} characters`),
      );
    }
    if (typeof clientMsgId !== 'string' || !CLIENT_MSG_ID.test(clientMsgId)) {
      return reply(ack, fail('VALIDATION', 'clientMsgId must be 1–64 letters, digits or . _ : -'));
    }
    const text = body.trim();
    if (!text) return reply(ack, fail('VALIDATION', 'body must not be empty'));
    if (!socket.data.rooms.has(coalitionId)) {
      return reply(ack, fail('FORBIDDEN', 'Join the room first (room:join)'));
    }
    try {
      const roomId = new ObjectId(coalitionId);
      const stored = await inRoomQueue(coalitionId, () =>
        insertComment(roomId, new ObjectId(socket.data.userId), clientMsgId, text),
      );
      const comment = view(stored);
      ioServer.to(`coalition:${coalitionId}`).emit('comment:created', comment);
      reply(ack, { ok: true, data: comment });
    } catch (error) {
      process.stderr.write(`comment:create: ${error?.stack ?? error}\n`);
      reply(ack, fail('INTERNAL', 'Something went wrong'));
    }
  });
});

http.listen(PORT, HOST, () => {
  process.stdout.write(
    `baseline listening on http://${HOST}:${http.address().port} (seq: ${SEQ_MODE})\n`,
  );
});

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    ioServer.close(() => {
      mongo.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  });
}
