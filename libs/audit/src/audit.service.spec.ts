import { createHmac } from 'node:crypto';
import { Types } from 'mongoose';
import { type AccordConfig, AccordError, type DocumentLocks, ErrorCode } from '@accord/core';
import type { AuditEntry, AuditEntryRecord, AuditHead } from './audit-entry.schema';
import { canonicalJson, hashEntry } from './audit-hash';
import type { AuditRepository } from './audit.repository';
import { type AuditEvent, AuditService } from './audit.service';

/**
 * Unit tests of the audit chain logic. The repository is replaced at its boundary by an array
 * that plays the stored entries (with the `(scope, seq)` uniqueness of the real index); the real
 * engine is exercised by test/audit.e2e-spec.ts.
 */

const ZEROS = '0'.repeat(64);
const SECRET = 'unit-test-audit-secret-of-forty-characters!';
const config = { auditSecret: SECRET } as AccordConfig;
/** One process, one writer at a time is not what these tests exercise: the lock runs the work. */
const passThroughLocks = {
  withLock: <T>(_key: string, work: () => Promise<T>): Promise<T> => work(),
} as unknown as DocumentLocks;
const SCOPE = 'coalition:64b000000000000000000001';
const OTHER_SCOPE = 'organisation:64b000000000000000000002';

/** The stored entries, behind the four methods AuditService uses. */
class StoredEntries {
  readonly rows: AuditEntryRecord[] = [];
  readonly heads = new Map<string, AuditHead>();

  readonly head = jest.fn((scope: string): Promise<AuditHead | null> =>
    Promise.resolve(this.heads.get(scope) ?? null),
  );

  readonly setHead = jest.fn((head: AuditHead): Promise<void> => {
    this.heads.set(head._id, { ...head });
    return Promise.resolve();
  });

  readonly last = jest.fn((scope: string): Promise<AuditEntryRecord | null> => {
    const mine = this.rows.filter((r) => r.scope === scope).sort((a, b) => b.seq - a.seq);
    return Promise.resolve(mine[0] ? copy(mine[0]) : null);
  });

  /** Like the unique `(scope, seq)` index: null when that entry already exists. */
  readonly append = jest.fn((entry: AuditEntry): Promise<AuditEntryRecord | null> => {
    if (this.rows.some((r) => r.scope === entry.scope && r.seq === entry.seq)) {
      return Promise.resolve(null);
    }
    const stored = copy({ ...entry, _id: new Types.ObjectId() });
    this.rows.push(stored);
    return Promise.resolve(copy(stored));
  });

  readonly page = jest.fn(
    (
      scope: string,
      page: { page: number; limit: number },
    ): Promise<{ items: AuditEntryRecord[]; total: number }> => {
      const mine = this.rows.filter((r) => r.scope === scope).sort((a, b) => b.seq - a.seq);
      const start = (page.page - 1) * page.limit;
      return Promise.resolve({
        items: mine.slice(start, start + page.limit).map(copy),
        total: mine.length,
      });
    },
  );

  readonly inOrder = jest.fn((scope: string): AsyncGenerator<AuditEntryRecord> => {
    const mine = this.rows
      .filter((r) => r.scope === scope)
      .sort((a, b) => a.seq - b.seq)
      .map(copy);
    return (async function* () {
      for (const row of mine) {
        await Promise.resolve();
        yield row;
      }
    })();
  });

  /** The stored row itself (to tamper with, as someone with database access would). */
  row(seq: number, scope = SCOPE): AuditEntryRecord {
    const found = this.rows.find((r) => r.scope === scope && r.seq === seq);
    if (!found) throw new Error(`no stored entry ${seq} in ${scope}`);
    return found;
  }

  remove(seq: number, scope = SCOPE): void {
    this.rows.splice(this.rows.indexOf(this.row(seq, scope)), 1);
  }
}

/** What a database round trip gives back: new objects, equal content. */
function copy(row: AuditEntryRecord): AuditEntryRecord {
  return {
    ...row,
    at: new Date(row.at),
    target: { ...row.target },
    data: JSON.parse(JSON.stringify(row.data ?? {})) as Record<string, unknown>,
  };
}

/** The hash an entry's stored fields give (what someone rewriting the database would compute). */
function rehash(row: AuditEntryRecord): string {
  return hashEntry(
    {
      scope: row.scope,
      seq: row.seq,
      at: new Date(row.at),
      actorId: row.actorId ? row.actorId.toString() : null,
      action: row.action,
      target: row.target,
      data: row.data ?? {},
      prevHash: row.prevHash,
    },
    SECRET,
  );
}

const ACTOR = new Types.ObjectId().toHexString();

function event(n: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    scope: SCOPE,
    actorId: ACTOR,
    action: 'coalition.member.role_changed',
    target: { type: 'user', id: `user-${n}` },
    data: { from: 'member', to: 'moderator', n },
    ...overrides,
  };
}

async function accordError(promise: Promise<unknown>): Promise<AccordError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccordError) return error;
    throw error;
  }
  throw new Error('expected an AccordError, but the call succeeded');
}

describe('AuditService', () => {
  let stored: StoredEntries;
  let service: AuditService;

  beforeEach(() => {
    stored = new StoredEntries();
    service = new AuditService(stored as unknown as AuditRepository, config, passThroughLocks);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Records n entries in SCOPE, one after the other. */
  async function chainOf(n: number) {
    const views = [];
    for (let i = 1; i <= n; i++) views.push(await service.record(event(i)));
    return views;
  }

  describe('record', () => {
    it('starts a chain at seq 1, linked to 64 zeros, and stores what it returns', async () => {
      const view = await service.record(
        event(1, { action: 'coalition.created', target: { type: 'coalition', id: 'c1' } }),
      );

      expect(view).toMatchObject({
        seq: 1,
        prevHash: ZEROS,
        actorId: ACTOR,
        action: 'coalition.created',
        target: { type: 'coalition', id: 'c1' },
        data: { from: 'member', to: 'moderator', n: 1 },
      });
      expect(view.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(view.hash).not.toBe(ZEROS);
      expect(view.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      expect(stored.rows).toHaveLength(1);
      const row = stored.row(1);
      expect(view.id).toBe(row._id.toHexString());
      expect(row).toMatchObject({ scope: SCOPE, seq: 1, prevHash: ZEROS, hash: view.hash });
      expect(row.actorId).toBeInstanceOf(Types.ObjectId);
      expect(row.actorId?.toHexString()).toBe(ACTOR);
      expect(new Date(row.at).toISOString()).toBe(view.at);
    });

    it('hashes the canonical JSON of every field (HMAC-SHA256 under the audit secret, keys sorted)', async () => {
      const view = await service.record({
        scope: SCOPE,
        actorId: ACTOR,
        action: 'coalition.created',
        target: { type: 'coalition', id: 'c1' },
        data: { visibility: 'public', name: 'Supply chains' },
      });
      const canonical =
        `{"action":"coalition.created","actorId":"${ACTOR}","at":"${view.at}",` +
        `"data":{"name":"Supply chains","visibility":"public"},"prevHash":"${ZEROS}",` +
        `"scope":"${SCOPE}","seq":1,"target":{"id":"c1","type":"coalition"}}`;
      expect(view.hash).toBe(createHmac('sha256', SECRET).update(canonical).digest('hex'));
    });

    it('increments seq and links every entry to the hash of the one before', async () => {
      const views = await chainOf(5);

      expect(views.map((v) => v.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(views[0].prevHash).toBe(ZEROS);
      for (let i = 1; i < views.length; i++) {
        expect(views[i].prevHash).toBe(views[i - 1].hash);
      }
      expect(new Set(views.map((v) => v.hash)).size).toBe(5);
      expect(stored.rows.map((r) => [r.seq, r.prevHash, r.hash])).toEqual(
        views.map((v) => [v.seq, v.prevHash, v.hash]),
      );
    });

    it('keeps one chain per scope', async () => {
      const a1 = await service.record(event(1));
      const b1 = await service.record(event(2, { scope: OTHER_SCOPE }));
      const a2 = await service.record(event(3));
      const b2 = await service.record(event(4, { scope: OTHER_SCOPE }));

      expect([a1.seq, a2.seq, b1.seq, b2.seq]).toEqual([1, 2, 1, 2]);
      expect(b1.prevHash).toBe(ZEROS);
      expect(a2.prevHash).toBe(a1.hash);
      expect(b2.prevHash).toBe(b1.hash);
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 2 });
      expect(await service.verify(OTHER_SCOPE)).toEqual({ ok: true, checked: 2 });
    });

    it('records a system action with a null actor and no data', async () => {
      const view = await service.record({
        scope: SCOPE,
        actorId: null,
        action: 'coalition.archived',
        target: { type: 'coalition', id: 'c1' },
      });
      expect(view).toMatchObject({ actorId: null, data: {} });
      expect(stored.row(1).actorId).toBeNull();
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 1 });
    });

    it("stores a copy of the data: later changes to the caller's object change nothing", async () => {
      const data: Record<string, unknown> = { role: 'member', nested: { b: 2, a: 1 } };
      const view = await service.record(event(1, { data: { ...data, dropped: undefined } }));
      data.role = 'organiser';
      (data.nested as Record<string, unknown>).a = 99;

      expect(stored.row(1).data).toEqual({ role: 'member', nested: { b: 2, a: 1 } });
      expect(Object.keys(stored.row(1).data)).not.toContain('dropped');
      expect(view.data).toEqual({ role: 'member', nested: { a: 1, b: 2 } });
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 1 });
    });

    it('retries when the append reports a conflict (null), then succeeds once', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0);
      await chainOf(2);
      stored.append.mockClear();
      stored.last.mockClear();
      stored.append.mockResolvedValueOnce(null);

      const view = await service.record(event(3));

      expect(stored.append).toHaveBeenCalledTimes(2);
      expect(stored.last).toHaveBeenCalledTimes(2);
      expect(stored.append.mock.calls.map(([entry]) => entry.seq)).toEqual([3, 3]);
      expect(view.seq).toBe(3);
      expect(stored.rows.filter((r) => r.seq === 3)).toHaveLength(1);
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 3 });
    });

    it('when another writer took the seq first, re-reads the chain and links after it', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0);
      await chainOf(1);
      const rival = new AuditService(
        stored as unknown as AuditRepository,
        config,
        passThroughLocks,
      );
      let rivalHash = '';
      const lastOriginal = stored.last.getMockImplementation()!;
      // Between our read of the chain's end and our append, the rival appends entry 2.
      stored.last.mockImplementationOnce(async (scope) => {
        const seen = await lastOriginal(scope);
        rivalHash = (await rival.record(event(99, { action: 'coalition.invitation.created' })))
          .hash;
        return seen;
      });

      const view = await service.record(event(2));

      expect(stored.append.mock.calls.map(([entry]) => [entry.seq, entry.action])).toEqual([
        [1, 'coalition.member.role_changed'],
        [2, 'coalition.invitation.created'],
        [2, 'coalition.member.role_changed'],
        [3, 'coalition.member.role_changed'],
      ]);
      expect(view).toMatchObject({ seq: 3, prevHash: rivalHash });
      expect(stored.rows.map((r) => [r.seq, r.action])).toEqual([
        [1, 'coalition.member.role_changed'],
        [2, 'coalition.invitation.created'],
        [3, 'coalition.member.role_changed'],
      ]);
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 3 });
    });

    it('gives up with CONFLICT when every append is refused, and stores nothing', async () => {
      jest.spyOn(Math, 'random').mockReturnValue(0);
      stored.append.mockResolvedValue(null);

      const error = await accordError(service.record(event(1)));

      expect(error.code).toBe(ErrorCode.CONFLICT);
      expect(error.status).toBe(409);
      expect(stored.append.mock.calls.length).toBeGreaterThan(1);
      expect(stored.rows).toHaveLength(0);
    });
  });

  describe('the signed head', () => {
    it('moves with every append and verifies', async () => {
      await chainOf(3);
      const head = stored.heads.get(SCOPE);
      expect(head).toMatchObject({ _id: SCOPE, seq: 3, hash: stored.row(3).hash });
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 3 });
    });

    it('reports the newest entries deleted', async () => {
      await chainOf(4);
      stored.remove(4);
      stored.remove(3);
      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 3, checked: 2 });
    });

    it('reports a head record that was deleted or re-pointed without the secret', async () => {
      await chainOf(3);
      const head = stored.heads.get(SCOPE)!;
      stored.heads.set(SCOPE, { ...head, seq: 2, hash: stored.row(2).hash });
      stored.remove(3);
      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 2 });
      stored.heads.delete(SCOPE);
      expect(await service.verify(SCOPE)).toMatchObject({
        ok: false,
        problem: 'the chain has no head record',
      });
    });
  });

  describe('list', () => {
    it('pages the scope newest first', async () => {
      const views = await chainOf(5);
      await service.record(event(6, { scope: OTHER_SCOPE }));

      const first = await service.list(SCOPE, { page: 1, limit: 2 });
      expect(first).toMatchObject({ total: 5, page: 1, limit: 2 });
      expect(first.items.map((e) => e.seq)).toEqual([5, 4]);
      expect(first.items[0]).toEqual(views[4]);

      const last = await service.list(SCOPE, { page: 3, limit: 2 });
      expect(last.items.map((e) => e.seq)).toEqual([1]);
      expect(last.items[0]).toEqual(views[0]);
    });
  });

  describe('verify', () => {
    it('answers ok for an empty scope', async () => {
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 0 });
    });

    it('answers ok, with the count, for an intact chain', async () => {
      await chainOf(5);
      await service.record(event(6, { scope: OTHER_SCOPE }));
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 5 });
    });

    const EDITS: [string, (row: AuditEntryRecord) => void][] = [
      ['data', (row) => (row.data = { ...row.data, to: 'organiser' })],
      ['a data key added', (row) => (row.data = { ...row.data, extra: true })],
      ['action', (row) => (row.action = 'coalition.member.added')],
      ['actorId', (row) => (row.actorId = new Types.ObjectId())],
      ['actorId removed', (row) => (row.actorId = null)],
      ['at', (row) => (row.at = new Date(new Date(row.at).getTime() + 1))],
      ['target id', (row) => (row.target = { ...row.target, id: 'someone-else' })],
      ['target type', (row) => (row.target = { ...row.target, type: 'invitation' })],
      ['hash', (row) => (row.hash = row.hash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')))],
    ];

    it.each(EDITS)('detects an edited %s and names its seq', async (_label, edit) => {
      await chainOf(5);
      edit(stored.row(3));

      const integrity = await service.verify(SCOPE);

      expect(integrity).toMatchObject({ ok: false, brokenAtSeq: 3, checked: 2 });
      expect(integrity.problem).toEqual(expect.any(String));
    });

    it('detects a deleted middle entry as a gap, at the entry after it', async () => {
      await chainOf(5);
      stored.remove(3);

      const integrity = await service.verify(SCOPE);

      expect(integrity).toMatchObject({ ok: false, brokenAtSeq: 4, checked: 2 });
      expect(integrity.problem).toContain('3');
    });

    it('detects a deleted first entry', async () => {
      await chainOf(3);
      stored.remove(1);
      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 2, checked: 0 });
    });

    it('detects two entries swapped (re-ordered)', async () => {
      await chainOf(5);
      const second = stored.row(2);
      const third = stored.row(3);
      second.seq = 3;
      third.seq = 2;

      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 2, checked: 1 });
    });

    it('detects an edited entry whose own hash was recomputed, at the next link', async () => {
      await chainOf(5);
      const row = stored.row(3);
      row.data = { ...row.data, to: 'organiser' };
      row.hash = rehash(row);

      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 4, checked: 3 });
    });

    it('detects a relinked entry (edited, rehashed and the next prevHash rewritten)', async () => {
      await chainOf(5);
      const row = stored.row(3);
      row.action = 'coalition.member.added';
      row.hash = rehash(row);
      stored.row(4).prevHash = row.hash;

      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 4, checked: 3 });
    });

    it('detects a first entry that does not start from 64 zeros', async () => {
      await chainOf(2);
      const row = stored.row(1);
      row.prevHash = 'f'.repeat(64);
      row.hash = rehash(row);

      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 1, checked: 0 });
    });

    it('detects an entry moved to another seq (renumbered)', async () => {
      await chainOf(4);
      stored.row(4).seq = 7;
      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 7, checked: 3 });
    });

    it('names the first break when there are several', async () => {
      await chainOf(5);
      stored.row(4).action = 'x';
      stored.row(2).data = {};
      expect(await service.verify(SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 2 });
    });

    it('is not fooled by tampering in another scope', async () => {
      await chainOf(3);
      await service.record(event(9, { scope: OTHER_SCOPE }));
      stored.row(1, OTHER_SCOPE).action = 'x';
      expect(await service.verify(SCOPE)).toEqual({ ok: true, checked: 3 });
      expect(await service.verify(OTHER_SCOPE)).toMatchObject({ ok: false, brokenAtSeq: 1 });
    });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level, so key order never changes the text', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } };
    const b = { a: { c: 'x', d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps array order, drops undefined keys and keeps nulls', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('t"x')).toBe('"t\\"x"');
  });

  it('gives hashEntry the same hash for the same content in any key order', () => {
    const fields = {
      scope: SCOPE,
      seq: 4,
      at: new Date('2025-05-01T10:00:00.000Z'),
      actorId: ACTOR,
      action: 'coalition.member.role_changed',
      target: { type: 'user', id: 'u1' },
      data: { from: 'member', to: 'moderator' },
      prevHash: ZEROS,
    };
    const reordered = {
      prevHash: ZEROS,
      data: { to: 'moderator', from: 'member' },
      target: { id: 'u1', type: 'user' },
      action: 'coalition.member.role_changed',
      actorId: ACTOR,
      at: new Date('2025-05-01T10:00:00.000Z'),
      seq: 4,
      scope: SCOPE,
    };
    expect(hashEntry(reordered, SECRET)).toBe(hashEntry(fields, SECRET));
    expect(hashEntry({ ...fields, data: { from: 'member', to: 'organiser' } }, SECRET)).not.toBe(
      hashEntry(fields, SECRET),
    );
  });

  it('keys the hash: another secret gives another hash for the same content', () => {
    const fields = {
      scope: SCOPE,
      seq: 1,
      at: new Date('2025-05-01T10:00:00.000Z'),
      actorId: null,
      action: 'coalition.created',
      target: { type: 'coalition', id: 'c1' },
      data: {},
      prevHash: ZEROS,
    };
    expect(hashEntry(fields, SECRET)).not.toBe(hashEntry(fields, `${SECRET}x`));
  });
});
