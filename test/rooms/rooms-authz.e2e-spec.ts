import type {
  CoalitionDetail,
  ErrorBody,
  Page,
  RoomComment,
  RoomFlag,
  RoomRestrictions,
  RoomSnapshot,
  RoomSync,
} from '@accord/client';
import type { Socket } from 'socket.io-client';
import type { TestUser } from '../support/factories';
import { flush, ok, record, RoomKit } from '../support/rooms';
import { type AckReply, emitAck, waitForEvent } from '../support/sockets';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The authorization matrix of the live room: every socket event × every kind of caller, for a
 * public and a private coalition, each cell its own test. The grid below holds expectations
 * written by hand from README.md ("Realtime (live rooms)": who may send each event) and the
 * coalition access policy, not derived from the code:
 *
 * - a private coalition does not exist for outsiders (NOT_FOUND), except for the events that
 *   need a seat in the room (typing, comment:create): those are refused before the coalition is
 *   looked at, with FORBIDDEN "Join the room first" — the same answer as for a coalition that
 *   does not exist at all, so nothing leaks;
 * - whoever may see the coalition joins and syncs; being in the room is all `typing` needs;
 * - observers read and flag, members also write and react, only the author edits;
 * - moderators and organisers do everything `mod:*` and delete others' comments.
 *
 * The target of every mod:* action, and the author of every comment acted on, is a plain member
 * who is not the caller, so the rank rules let moderators and organisers act. Every cell checks
 * the effect (or its absence) as someone else sees it, not only the ack, and undoes what it
 * changed, so cells stay independent.
 *
 * The grid lists one event per line and one caller per column (18 columns of event names would not
 * be readable); cells read `ok`, `FORBIDDEN` or `NOT_FOUND`.
 *
 * The room's moderators' REST routes have a grid of their own (cells are HTTP statuses): the flag
 * queue and the restrictions (who is banned or muted) follow one rule, moderators and organisers
 * only (403 for others who see the coalition, 404 for those who do not), and a refused caller
 * learns nothing of what the route lists.
 */

const CALLERS = ['outsider', 'observer', 'member', 'moderator', 'organiser'] as const;
type Caller = (typeof CALLERS)[number];

const EVENTS = [
  'room:join',
  'room:sync',
  'typing',
  'comment:create',
  'comment:edit',
  'comment:delete',
  'comment:react',
  'comment:flag',
  'mod:hide',
  'mod:unhide',
  'mod:mute',
  'mod:kick',
  'mod:ban',
  'mod:unban',
  'mod:lock',
  'mod:slow',
  'mod:pin',
  'mod:dismiss',
] as const;
type RoomEvent = (typeof EVENTS)[number];

const CODES = ['ok', 'FORBIDDEN', 'NOT_FOUND'] as const;
type Code = (typeof CODES)[number];

/** The room's REST routes for moderators, each `GET /coalitions/:id/<route>`. */
const ROUTES = ['flags', 'restrictions'] as const;
type Route = (typeof ROUTES)[number];

const STATUSES = ['200', '403', '404'] as const;
type Status = (typeof STATUSES)[number];

type Visibility = 'public' | 'private';
const VISIBILITIES: Visibility[] = ['public', 'private'];

type Grid<R extends string = RoomEvent, C extends string = Code> = Map<R, Map<Caller, C>>;

/**
 * Parses a grid: a header naming the callers in order, then one line per row (`rows`), in
 * order; a cell `a|b` reads `a` for a public coalition and `b` for a private one.
 */
function grids<R extends string, C extends string>(
  text: string,
  rows: readonly R[],
  codes: readonly C[],
): Record<Visibility, Grid<R, C>> {
  const [[, ...header], ...lines] = text
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  if (header.join(' ') !== CALLERS.join(' '))
    throw new Error(`the header must be: event ${CALLERS.join(' ')}`);
  if (lines.map(([row]) => row).join(' ') !== rows.join(' '))
    throw new Error(`the lines must be, in order: ${rows.join(' ')}`);
  const tables: Record<Visibility, Grid<R, C>> = { public: new Map(), private: new Map() };
  for (const [row, ...cells] of lines) {
    if (cells.length !== CALLERS.length) throw new Error(`${row} has ${cells.length} cells`);
    VISIBILITIES.forEach((visibility, v) => {
      const answers = cells.map((cell) => cell.split('|')[v] ?? cell);
      for (const answer of answers) {
        if (!(codes as readonly string[]).includes(answer))
          throw new Error(`${row}: "${answer}" is not one of ${codes.join(', ')}`);
      }
      tables[visibility].set(
        row as R,
        new Map(CALLERS.map((caller, i) => [caller, answers[i] as C] as const)),
      );
    });
  }
  return tables;
}

/** Cells `a|b` differ by visibility: `a` in a public coalition, `b` in a private one. */
const EXPECTED: Record<Visibility, Grid> = grids(
  `
    event           outsider             observer   member     moderator  organiser
    room:join       ok|NOT_FOUND         ok         ok         ok         ok
    room:sync       ok|NOT_FOUND         ok         ok         ok         ok
    typing          ok|FORBIDDEN         ok         ok         ok         ok
    comment:create  FORBIDDEN            FORBIDDEN  ok         ok         ok
    comment:edit    FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  FORBIDDEN  FORBIDDEN
    comment:delete  FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    comment:react   FORBIDDEN|NOT_FOUND  FORBIDDEN  ok         ok         ok
    comment:flag    FORBIDDEN|NOT_FOUND  ok         ok         ok         ok
    mod:hide        FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:unhide      FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:mute        FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:kick        FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:ban         FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:unban       FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:lock        FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:slow        FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:pin         FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
    mod:dismiss     FORBIDDEN|NOT_FOUND  FORBIDDEN  FORBIDDEN  ok         ok
`,
  EVENTS,
  CODES,
);

/** `GET /coalitions/:id/<route>`, by the same callers. */
const EXPECTED_REST: Record<Visibility, Grid<Route, Status>> = grids(
  `
    route           outsider             observer   member     moderator  organiser
    flags           403|404              403        403        200        200
    restrictions    403|404              403        403        200        200
`,
  ROUTES,
  STATUSES,
);

function expected(visibility: Visibility, caller: Caller, event: RoomEvent): Code {
  const code = EXPECTED[visibility].get(event)?.get(caller);
  if (code === undefined) throw new Error(`no cell ${visibility} · ${caller} · ${event}`);
  return code;
}

function expectedStatus(visibility: Visibility, caller: Caller, route: Route): Status {
  const status = EXPECTED_REST[visibility].get(route)?.get(caller);
  if (status === undefined) throw new Error(`no cell ${visibility} · ${caller} · ${route}`);
  return status;
}

const REST_CELLS: [Visibility, Caller, Route, Status][] = VISIBILITIES.flatMap((visibility) =>
  CALLERS.flatMap((caller) =>
    ROUTES.map((route): [Visibility, Caller, Route, Status] => [
      visibility,
      caller,
      route,
      expectedStatus(visibility, caller, route),
    ]),
  ),
);

const CELLS: [Visibility, Caller, RoomEvent, Code][] = VISIBILITIES.flatMap((visibility) =>
  CALLERS.flatMap((caller) =>
    EVENTS.map((event): [Visibility, Caller, RoomEvent, Code] => [
      visibility,
      caller,
      event,
      expected(visibility, caller, event),
    ]),
  ),
);

/**
 * One coalition per visibility and caller (its own people, so that no person's event budget
 * and no failed cell's leftovers reach another row): the caller (the organiser row's caller is
 * an invited second organiser, so the creator stays free to set up and undo), the target (a
 * member whose comments and person every cell acts on) and a witness (a member who observes).
 */
interface Row {
  caller: Caller;
  c: CoalitionDetail;
  organiser: TestUser;
  me: TestUser;
  target: TestUser;
  witness: TestUser;
  /** A comment of the target's, there from the start. */
  seed: RoomComment;
  code: (event: RoomEvent) => Code;
}

interface FlagReply {
  flag: RoomFlag;
  alreadyFlagged: boolean;
}

const JOIN_FIRST = 'Join the room first';

const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2, 10)}`;
const msgId = () => `authz-${Math.random().toString(36).slice(2, 12)}`;

type Answer = Code | 'MUTED' | 'ROOM_LOCKED';

/** Asserts the ack answers `code` (`ok`, or that error code); a mismatch shows the message. */
function expectAnswer(ack: AckReply, code: Answer): void {
  expect({ answer: ack.ok ? 'ok' : ack.error?.code, message: ack.error?.message }).toEqual({
    answer: code,
    message: code === 'ok' ? undefined : expect.any(String),
  });
}

async function answers<T>(reply: Promise<AckReply<T>>, code: Answer): Promise<AckReply<T>> {
  const ack = await reply;
  expectAnswer(ack, code);
  return ack;
}

describe('live-room authorization matrix (caller × event, real engine, real clients)', () => {
  let t: TestApp;
  let kit: RoomKit;
  const rows = new Map<string, Promise<Row>>();

  beforeAll(async () => {
    t = await startTestApp();
    kit = new RoomKit(t);
  });

  afterEach(() => {
    kit?.closeSockets();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function setUpRow(visibility: Visibility, caller: Caller): Promise<Row> {
    const { c, organiser, me, target, witness } = await kit.room(visibility, {
      me: caller,
      target: 'member',
      witness: 'member',
    });
    const seed = await target.client.coalitions.postComment(c.id, { body: unique('Seed') });
    return {
      caller,
      c,
      organiser,
      me,
      target,
      witness,
      seed,
      code: (event) => expected(visibility, caller, event),
    };
  }

  /** The row's coalition and people, set up by its first cell. */
  function rowFor(visibility: Visibility, caller: Caller): Promise<Row> {
    const key = `${visibility}:${caller}`;
    let row = rows.get(key);
    if (!row) {
      row = setUpRow(visibility, caller);
      rows.set(key, row);
    }
    return row;
  }

  /** A socket of this person that sits in the room. */
  async function seated(user: TestUser, row: Row): Promise<Socket> {
    return (await kit.enter(user, row.c.id)).socket;
  }

  /** The caller's socket, in the room when the matrix lets them join (the join is checked too). */
  async function callerSeat(row: Row): Promise<Socket> {
    const socket = await kit.open(row.me);
    await answers(emitAck(socket, 'room:join', { coalitionId: row.c.id }), row.code('room:join'));
    return socket;
  }

  /** A fresh comment by the target (over REST, which spends no socket events). */
  function targetSays(row: Row, label: string): Promise<RoomComment> {
    return row.target.client.coalitions.postComment(row.c.id, { body: unique(label) });
  }

  /** The comment as the witness (a member) reads it over REST. */
  async function asWitnessSees(row: Row, x: RoomComment): Promise<RoomComment> {
    const { items } = await row.witness.client.coalitions.comments(row.c.id, {
      afterSeq: x.seq - 1,
      limit: 1,
    });
    expect(items[0]?.id).toBe(x.id);
    return items[0];
  }

  /** The room's latest seq, as the witness reads it. */
  async function latestSeq(row: Row): Promise<number> {
    return (await row.witness.client.coalitions.comments(row.c.id, { limit: 1 })).seq;
  }

  /** The flag queue entries (open or resolved) that match, as the organiser reads them. */
  async function queued(row: Row, predicate: (f: RoomFlag) => boolean) {
    const page = await row.organiser.client.coalitions.flags(row.c.id, {
      status: 'all',
      limit: 100,
    });
    return page.items.filter(predicate);
  }

  /** The organiser (creator) sends an event that must succeed: setting up or undoing a cell. */
  async function byOrganiser<T = unknown>(row: Row, event: string, payload: object): Promise<T> {
    return ok(emitAck<T>(await kit.open(row.organiser), event, payload));
  }

  function write(socket: Socket, row: Row, body = unique('Written')) {
    return emitAck<RoomComment>(socket, 'comment:create', {
      coalitionId: row.c.id,
      body,
      clientMsgId: msgId(),
    });
  }

  function typing(socket: Socket, row: Row) {
    return emitAck<{ relayed: boolean }>(socket, 'typing', {
      coalitionId: row.c.id,
      isTyping: true,
    });
  }

  /**
   * Checks the answer of a change and its effect; whatever happens, undoes the change if the
   * server made it (an unexpected success too), so the next cells find the room as it was.
   */
  async function undoing(
    reply: Promise<AckReply>,
    code: Code,
    check: () => Promise<void>,
    undo: () => Promise<unknown>,
  ): Promise<void> {
    const ack = await reply;
    try {
      expectAnswer(ack, code);
      await check();
    } finally {
      if (ack.ok) await undo();
    }
  }

  const CHECKS: Record<RoomEvent, (row: Row, code: Code) => Promise<void>> = {
    'room:join': async (row, code) => {
      const socket = await kit.open(row.me);
      const ack = await answers(
        emitAck<RoomSnapshot>(socket, 'room:join', { coalitionId: row.c.id }),
        code,
      );
      if (code === 'ok') {
        expect(ack.data?.role).toBe(row.caller === 'outsider' ? null : row.caller);
        expect(ack.data?.presence.map((p) => p.userId)).toContain(row.me.user.id);
        expect(ack.data?.comments.map((x) => x.id)).toContain(row.seed.id);
        await ok(typing(socket, row));
      } else {
        expect(ack.data).toBeUndefined();
        const seatless = await answers(typing(socket, row), 'FORBIDDEN');
        expect(seatless.error?.message).toContain(JOIN_FIRST);
      }
    },

    'room:sync': async (row, code) => {
      const socket = await kit.open(row.me);
      const ack = await answers(
        emitAck<RoomSync>(socket, 'room:sync', { coalitionId: row.c.id, afterSeq: 0 }),
        code,
      );
      if (code === 'ok') expect(ack.data?.comments.map((x) => x.id)).toContain(row.seed.id);
      else expect(ack.data).toBeUndefined();
    },

    typing: async (row, code) => {
      const witness = await seated(row.witness, row);
      const heard = record<{ userId: string; isTyping: boolean }>(witness, 'typing');
      const socket = await callerSeat(row);
      const ack = await answers(typing(socket, row), code);
      if (code !== 'ok') expect(ack.error?.message).toContain(JOIN_FIRST);
      await flush(witness);
      const fromCaller = heard.filter((e) => e.userId === row.me.user.id).map((e) => e.isTyping);
      expect(fromCaller).toEqual(code === 'ok' ? [true] : []);
    },

    'comment:create': async (row, code) => {
      const before = await latestSeq(row);
      const socket = await callerSeat(row);
      const body = unique('By the caller');
      await answers(write(socket, row, body), code);
      const { items } = await row.witness.client.coalitions.comments(row.c.id, {
        afterSeq: before,
      });
      const stored = items.filter((x) => x.body === body);
      if (code === 'ok') expect(stored.map((x) => x.authorId)).toEqual([row.me.user.id]);
      else expect(stored).toEqual([]);
    },

    'comment:edit': async (row, code) => {
      const x = await targetSays(row, 'Original');
      const socket = await kit.open(row.me);
      await answers(
        emitAck(socket, 'comment:edit', { commentId: x.id, body: 'Rewritten by the caller' }),
        code,
      );
      const seen = await asWitnessSees(row, x);
      if (code === 'ok') expect(seen.body).toBe('Rewritten by the caller');
      else expect(seen).toMatchObject({ body: x.body, editedAt: null });
    },

    'comment:delete': async (row, code) => {
      const x = await targetSays(row, 'Delete me');
      const socket = await kit.open(row.me);
      await answers(emitAck(socket, 'comment:delete', { commentId: x.id }), code);
      const seen = await asWitnessSees(row, x);
      if (code === 'ok')
        expect(seen).toMatchObject({ deleted: true, deletedBy: 'moderator', body: '' });
      else expect(seen).toMatchObject({ deleted: false, body: x.body });
    },

    'comment:react': async (row, code) => {
      const x = await targetSays(row, 'React to me');
      const socket = await kit.open(row.me);
      await answers(emitAck(socket, 'comment:react', { commentId: x.id, emoji: '👍' }), code);
      const seen = await asWitnessSees(row, x);
      expect(seen.reactions).toEqual(
        code === 'ok' ? [{ emoji: '👍', count: 1, userIds: [row.me.user.id] }] : [],
      );
    },

    'comment:flag': async (row, code) => {
      const x = await targetSays(row, 'Flag me');
      const socket = await kit.open(row.me);
      const ack = await answers(
        emitAck<FlagReply>(socket, 'comment:flag', { commentId: x.id, reason: 'Matrix' }),
        code,
      );
      const flags = await queued(row, (f) => f.commentId === x.id);
      if (code === 'ok') {
        expect(ack.data?.alreadyFlagged).toBe(false);
        expect(flags.map((f) => [f.userId, f.status])).toEqual([[row.me.user.id, 'open']]);
      } else {
        expect(flags).toEqual([]);
      }
    },

    'mod:hide': async (row, code) => {
      const x = await targetSays(row, 'Hide me');
      const socket = await kit.open(row.me);
      await undoing(
        emitAck(socket, 'mod:hide', { commentId: x.id, reason: 'Matrix' }),
        code,
        async () => {
          const seen = await asWitnessSees(row, x);
          if (code === 'ok') {
            expect(seen).toMatchObject({ hidden: true, body: '' });
            expect(seen).not.toHaveProperty('hiddenReason');
          } else {
            expect(seen).toMatchObject({ hidden: false, body: x.body });
          }
        },
        () => byOrganiser(row, 'mod:unhide', { commentId: x.id }),
      );
    },

    'mod:unhide': async (row, code) => {
      const x = await targetSays(row, 'Hidden already');
      await byOrganiser(row, 'mod:hide', { commentId: x.id, reason: 'Set up' });
      const socket = await kit.open(row.me);
      await answers(emitAck(socket, 'mod:unhide', { commentId: x.id }), code);
      const seen = await asWitnessSees(row, x);
      if (code === 'ok') expect(seen).toMatchObject({ hidden: false, body: x.body });
      else expect(seen).toMatchObject({ hidden: true, body: '' });
    },

    'mod:mute': async (row, code) => {
      const target = await seated(row.target, row);
      const socket = await kit.open(row.me);
      const userId = row.target.user.id;
      await undoing(
        emitAck(socket, 'mod:mute', { coalitionId: row.c.id, userId, minutes: 5 }),
        code,
        async () => {
          await answers(write(target, row), code === 'ok' ? 'MUTED' : 'ok');
        },
        () => byOrganiser(row, 'mod:mute', { coalitionId: row.c.id, userId, minutes: 0 }),
      );
    },

    'mod:kick': async (row, code) => {
      const target = await seated(row.target, row);
      const removed = record<{ coalitionId: string; reason: string }>(target, 'room:removed');
      // Listening before the kick: the notice may arrive before the ack.
      const told = code === 'ok' ? waitForEvent(target, 'room:removed') : null;
      told?.catch(() => undefined); // awaited below; handled if the cell fails first
      const socket = await kit.open(row.me);
      await answers(
        emitAck(socket, 'mod:kick', { coalitionId: row.c.id, userId: row.target.user.id }),
        code,
      );
      if (told) {
        expect(await told).toEqual({ coalitionId: row.c.id, reason: 'kicked' });
        await answers(typing(target, row), 'FORBIDDEN');
      } else {
        await flush(target);
        expect(removed).toEqual([]);
        await ok(typing(target, row));
      }
    },

    'mod:ban': async (row, code) => {
      const target = await seated(row.target, row);
      const removed = record<{ coalitionId: string; reason: string }>(target, 'room:removed');
      const told = code === 'ok' ? waitForEvent(target, 'room:removed') : null;
      told?.catch(() => undefined); // awaited below; handled if the cell fails first
      const socket = await kit.open(row.me);
      const userId = row.target.user.id;
      await undoing(
        emitAck(socket, 'mod:ban', { coalitionId: row.c.id, userId }),
        code,
        async () => {
          const again = await kit.open(row.target);
          const rejoin = emitAck(again, 'room:join', { coalitionId: row.c.id });
          if (told) {
            expect(await told).toEqual({ coalitionId: row.c.id, reason: 'banned' });
            await answers(rejoin, 'FORBIDDEN');
          } else {
            await ok(rejoin);
            await flush(target);
            expect(removed).toEqual([]);
          }
        },
        () => byOrganiser(row, 'mod:unban', { coalitionId: row.c.id, userId }),
      );
    },

    'mod:unban': async (row, code) => {
      const userId = row.target.user.id;
      await byOrganiser(row, 'mod:ban', { coalitionId: row.c.id, userId });
      let unbanned = false;
      try {
        const socket = await kit.open(row.me);
        const ack = await emitAck(socket, 'mod:unban', { coalitionId: row.c.id, userId });
        unbanned = ack.ok;
        expectAnswer(ack, code);
        const target = await kit.open(row.target);
        await answers(
          emitAck(target, 'room:join', { coalitionId: row.c.id }),
          code === 'ok' ? 'ok' : 'FORBIDDEN',
        );
      } finally {
        if (!unbanned) await byOrganiser(row, 'mod:unban', { coalitionId: row.c.id, userId });
      }
    },

    'mod:lock': async (row, code) => {
      const witness = await seated(row.witness, row);
      const socket = await kit.open(row.me);
      await undoing(
        emitAck(socket, 'mod:lock', { coalitionId: row.c.id, locked: true }),
        code,
        async () => {
          await answers(write(witness, row), code === 'ok' ? 'ROOM_LOCKED' : 'ok');
        },
        () => byOrganiser(row, 'mod:lock', { coalitionId: row.c.id, locked: false }),
      );
    },

    'mod:slow': async (row, code) => {
      const witness = await seated(row.witness, row);
      const socket = await kit.open(row.me);
      await undoing(
        emitAck(socket, 'mod:slow', { coalitionId: row.c.id, seconds: 60 }),
        code,
        async () => {
          // Two comments in a row: the second waits out the window when slow mode is on.
          const first = await write(witness, row);
          const second = await write(witness, row);
          if (code === 'ok') {
            expect(second.error).toMatchObject({ code: 'RATE_LIMITED' });
            expect(second.error?.message).toContain('Slow mode');
          } else {
            expectAnswer(first, 'ok');
            expectAnswer(second, 'ok');
          }
        },
        () => byOrganiser(row, 'mod:slow', { coalitionId: row.c.id, seconds: 0 }),
      );
    },

    'mod:pin': async (row, code) => {
      const x = await targetSays(row, 'Pin me');
      const socket = await kit.open(row.me);
      await undoing(
        emitAck(socket, 'mod:pin', { commentId: x.id }),
        code,
        async () => {
          const { snapshot } = await kit.enter(row.witness, row.c.id);
          if (code === 'ok') expect(snapshot.pinnedCommentId).toBe(x.id);
          else expect(snapshot.pinnedCommentId).not.toBe(x.id);
        },
        () => byOrganiser(row, 'mod:pin', { commentId: x.id, pinned: false }),
      );
    },

    'mod:dismiss': async (row, code) => {
      const x = await targetSays(row, 'Flagged');
      const witness = await kit.open(row.witness);
      const { flag } = await ok(
        emitAck<FlagReply>(witness, 'comment:flag', { commentId: x.id, reason: 'Set up' }),
      );
      const socket = await kit.open(row.me);
      await answers(
        emitAck(socket, 'mod:dismiss', { coalitionId: row.c.id, flagId: flag.id }),
        code,
      );
      const [entry] = await queued(row, (f) => f.id === flag.id);
      expect(entry).toMatchObject(
        code === 'ok'
          ? { status: 'resolved', resolution: 'dismissed' }
          : { status: 'open', resolution: null },
      );
    },
  };

  it.each(CELLS)('%s · %s · %s → %s', async (visibility, caller, event, code) => {
    const row = await rowFor(visibility, caller);
    await CHECKS[event](row, code);
  });

  /** The caller's GET of a room route: the expected status, and for a refusal only the error. */
  async function callerGets<T>(row: Row, route: Route, status: Status, query = {}) {
    const res = await row.me.client.raw<T & Partial<ErrorBody>>(
      'GET',
      `/coalitions/${row.c.id}/${route}`,
      { query },
    );
    expect({ status: String(res.status), code: res.body.code }).toEqual({
      status,
      code: { '200': undefined, '403': 'FORBIDDEN', '404': 'NOT_FOUND' }[status],
    });
    if (status !== '200') {
      for (const listing of ['items', 'bans', 'mutes'])
        expect(res.body).not.toHaveProperty(listing);
    }
    return res.body;
  }

  const REST_CHECKS: Record<Route, (row: Row, status: Status) => Promise<void>> = {
    flags: async (row, status) => {
      const x = await targetSays(row, 'Flagged for the queue');
      const witness = await kit.open(row.witness);
      const { flag } = await ok(
        emitAck<FlagReply>(witness, 'comment:flag', { commentId: x.id, reason: 'Queue' }),
      );
      const page = await callerGets<Page<RoomFlag>>(row, 'flags', status, { limit: 100 });
      if (status === '200') expect(page.items.map((f) => f.id)).toContain(flag.id);
    },

    restrictions: async (row, status) => {
      const userId = row.target.user.id;
      await byOrganiser(row, 'mod:mute', { coalitionId: row.c.id, userId, minutes: 5 });
      try {
        const listed = await callerGets<RoomRestrictions>(row, 'restrictions', status);
        if (status === '200') {
          expect(listed.bans).toEqual([]);
          expect(listed.mutes).toEqual([
            expect.objectContaining({ userId, mutedBy: row.organiser.user.id }),
          ]);
        }
      } finally {
        await byOrganiser(row, 'mod:mute', { coalitionId: row.c.id, userId, minutes: 0 });
      }
    },
  };

  it.each(REST_CELLS)(
    '%s · %s · GET /coalitions/:id/%s → %s',
    async (visibility, caller, route, status) => {
      const row = await rowFor(visibility, caller);
      await REST_CHECKS[route](row, status);
    },
  );
});
