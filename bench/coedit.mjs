#!/usr/bin/env node
// Co-editing benchmark: EDITORS people co-author ONE action plan of ACTIONS actions live, each
// making EDIT_RATE small edits per second (a few characters typed into an action's description,
// now and then after deleting a few) for SECONDS. Every edit travels as a Yjs update to the
// server, which stores it and relays it to every other editor.
// Run against the BASELINE (bench/baseline-hocuspocus.mjs: a stock @hocuspocus/server 4.x with
// in-memory persistence, clients speaking its y-protocols sync messages over `ws`) and then
// against the BUILT Accord server (socket.io, plan:open / plan:update, on a FerretDB it starts),
// with the same clients, plan and edits. Servers and the engine run on CPU 0, this load generator
// on CPU 1.
//
//   npm run bench:coedit                        # 50 editors × 2 edits/s, 500 actions, 30 s
//   EDITORS=10 SECONDS=10 npm run bench:coedit
//   npm run bench:coedit -- --editors=10 --seconds=10 --only=accord
//
// Exit code: 0 all goals met, 2 a goal missed (figures still printed), 1 the benchmark failed.
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import {
  api,
  BenchError,
  checkQuiet,
  connectSocket,
  cpuDelta,
  cpuSnapshot,
  emitOk,
  freePort,
  log,
  option,
  PASSWORD,
  percentile,
  pool,
  progress,
  ROOT,
  round,
  runMain,
  Samples,
  setUpPinning,
  sleep,
  spawnServer,
  startAccord,
  startFerretDb,
  table,
  usageError,
  waitForHealth,
  withTimeout,
} from './lib.mjs';

const EDITORS = option('editors', 50, { min: 2 });
const EDIT_RATE = option('edit_rate', 2, { integer: false, min: 0.01 });
const ACTIONS = option('actions', 500);
const SECONDS = option('seconds', 30, { integer: false, min: 1 });
const WARMUP = option('warmup', 3, { integer: false, min: 0 });
const SEED_BATCH = option('seed_batch', 25);
const ACK_TIMEOUT_MS = option('ack_timeout_ms', 10_000);
const DRAIN_TIMEOUT_MS = option('drain_timeout_ms', 15_000);
const PERSIST_TIMEOUT_MS = option('persist_timeout_ms', 20_000);
const ONLY = (
  process.argv.find((a) => a.startsWith('--only='))?.slice(7) ??
  process.env.ONLY ??
  ''
).toLowerCase();
if (ONLY && ONLY !== 'accord' && ONLY !== 'baseline') {
  usageError('ONLY (--only) must be accord or baseline');
}
if (EDIT_RATE > 30) usageError('EDIT_RATE must stay under Accord’s 40 plan events/s per person');

const GOALS = { propagationP99Ms: 50, convergenceMs: 200, persistenceP95Ms: 600, cpuRatioMax: 1.0 };
/** Accord refuses plan updates larger than this (PLAN_UPDATE_MAX_BYTES). */
const UPDATE_MAX_BYTES = 48 * 1024;
/** Share of edits that delete 1–3 characters before typing (a typo corrected). */
const DELETE_SHARE = 0.1;
/** Chance that an editor moves to another action (else it keeps typing where it was). */
const MOVE_SHARE = 0.15;
/** Origin of the changes a client applies from the server (never sent back). */
const REMOTE = Symbol('remote');
const PHASES = ['warm-up', 'measured'];
const WARM = 0;
const MEASURED = 1;

const WORDS = (
  'monitor report train consult publish review fund protect document coordinate assess ' +
  'support draft adopt survey campaign mediate translate audit inform'
).split(' ');
const TOPICS = (
  'detention conditions|freedom of assembly|access to justice|gender-based violence|' +
  'indigenous land rights|press freedom|migrant workers|disability inclusion|child protection|' +
  'torture prevention|digital privacy|environmental defenders'
).split('|');

runMain(async () => {
  const pinning = setUpPinning();
  log(
    `Co-editing: ${EDITORS} editors × ${EDIT_RATE} edits/s on a plan of ${ACTIONS} actions, ${SECONDS} s (warm-up ${WARMUP} s)`,
  );
  const stamp = Date.now();
  const results = {};

  if (ONLY !== 'accord') {
    log('=== Baseline (@hocuspocus/server, in-memory persistence) ===');
    const server = await startHocuspocus();
    const editors = await prepareBaseline(server, stamp);
    results.baseline = await runCoedit('baseline', server, null, editors);
    results.baseline.baselineStores = await fetch(`${server.url}/stats`)
      .then((r) => r.json())
      .catch(() => null);
    await server.child.stop();
  }

  if (ONLY !== 'baseline') {
    log('=== Accord (built server) ===');
    const engine = await startFerretDb();
    const server = await startAccord(`${engine.uri}/accord-coedit-${stamp}`);
    const editors = await prepareAccord(server, stamp);
    results.accord = await runCoedit('accord', server, engine, editors);
    await server.child.stop();
    await engine.child.stop();
  }

  return report(results, pinning);
});

// ---------------------------------------------------------------- the plan's content

/** A complete action record (DESIGN.md → Yjs layout; Accord refuses incomplete ones). */
function newAction(i) {
  const topic = TOPICS[i % TOPICS.length];
  const verb = WORDS[(i * 7) % WORDS.length];
  const action = new Y.Map();
  action.set('id', `a${i.toString(36)}${globalThis.crypto.randomUUID().slice(0, 8)}`);
  action.set('title', new Y.Text(`${i + 1}. ${verb[0].toUpperCase()}${verb.slice(1)}: ${topic}`));
  action.set(
    'description',
    new Y.Text(
      `Partners ${verb} progress on ${topic} with national institutions and civil society, ` +
        `publish a short public update each quarter and raise open cases at the review.`,
    ),
  );
  action.set('leadOrganisationId', null);
  action.set('supportingOrganisationIds', new Y.Array());
  action.set('startDate', '2026-01-15');
  action.set('endDate', '2027-06-30');
  action.set('status', 'not_started');
  action.set('budget', null);
  action.set('milestones', new Y.Array());
  action.set('indicators', new Y.Array());
  return action;
}

/** The plan structure Accord's server creates (the baseline's first editor creates it itself). */
function fillPlan(doc, title) {
  const plan = doc.getMap('plan');
  plan.set('title', new Y.Text(title));
  for (const key of ['problem', 'baseline', 'objective']) plan.set(key, new Y.Text(''));
  plan.set('recommendationIds', new Y.Array());
  plan.set('sdgTargets', new Y.Array());
  plan.set('actions', new Y.Array());
}

const actionsOf = (doc) => doc.getMap('plan').get('actions');

// ---------------------------------------------------------------- bookkeeping

/**
 * Every edit of the run, found by its Yjs id: editor e's edit j is the insertion that brought its
 * client's clock to `endClock`. A client has that edit once its document's state for that Yjs
 * client reaches `endClock` (Yjs integrates a client's changes in clock order), so arrivals are
 * read from each applied transaction's state vectors, without looking into the text.
 */
class EditLog {
  constructor(editors, perEditor) {
    this.n = editors;
    this.cap = perEditor;
    const size = editors * perEditor;
    this.endClock = new Float64Array(size);
    this.sentAt = new Float64Array(size);
    this.phase = new Uint8Array(size);
    this.received = new Uint16Array(size);
    this.done = new Uint8Array(size); // 1 acked (Accord) / persisted (baseline), 2 refused
    this.count = new Uint32Array(editors);
    /** [receiver * n + editor]: the receiver's first edit of that editor not arrived yet. */
    this.cursor = new Uint32Array(editors * editors);
    /** [editor]: its first edit not yet known to be persisted (the baseline's store messages). */
    this.persistCursor = new Uint32Array(editors);
    this.byClient = new Map();
    this.phases = PHASES.map(() => ({
      edits: 0,
      delivered: 0,
      persisted: 0,
      refused: 0,
      lastEditAt: 0,
      lastArrivalAt: 0,
      propagation: new Samples(1 << 16),
      toAll: new Samples(1 << 12),
      persistence: new Samples(1 << 12),
      errors: {},
    }));
  }

  bindClient(client, editor) {
    this.byClient.set(client, editor);
  }

  /** Records editor e's new edit; answers its index. */
  record(e, endClock, sentAt, phase) {
    const j = this.count[e];
    if (j >= this.cap) throw new BenchError(`editor ${e} made more edits than planned`);
    const g = e * this.cap + j;
    this.endClock[g] = endClock;
    this.sentAt[g] = sentAt;
    this.phase[g] = phase;
    this.count[e] = j + 1;
    const p = this.phases[phase];
    p.edits++;
    p.lastEditAt = sentAt;
    return j;
  }

  /** Receiver r's document now holds editor e's changes up to `state`. */
  arrived(r, e, state, now) {
    const c = r * this.n + e;
    const base = e * this.cap;
    let j = this.cursor[c];
    const made = this.count[e];
    while (j < made && this.endClock[base + j] <= state) {
      const g = base + j;
      const p = this.phases[this.phase[g]];
      const latency = now - this.sentAt[g];
      p.delivered++;
      p.lastArrivalAt = now;
      if (this.phase[g] === MEASURED) p.propagation.push(latency);
      if (++this.received[g] === this.n - 1) p.toAll.push(latency);
      j++;
    }
    this.cursor[c] = j;
  }

  /** Accord: edit j of editor e was acknowledged (stored) or refused. */
  acked(e, j, now, error) {
    const g = e * this.cap + j;
    if (this.done[g]) return;
    const p = this.phases[this.phase[g]];
    if (error) {
      this.done[g] = 2;
      p.refused++;
      p.errors[error] = (p.errors[error] ?? 0) + 1;
      return;
    }
    this.done[g] = 1;
    p.persisted++;
    p.persistence.push(now - this.sentAt[g]);
  }

  /** Baseline: a store covered editor e's changes up to `clock`. */
  persistedUpTo(e, clock, now) {
    const base = e * this.cap;
    let j = this.persistCursor[e];
    const made = this.count[e];
    while (j < made && this.endClock[base + j] <= clock) {
      this.acked(e, j, now);
      j++;
    }
    this.persistCursor[e] = j;
  }
}

/** The shared part of both clients: a Yjs document, the edits, and arrival tracking. */
class Editor {
  constructor(index, editLog) {
    this.index = index;
    this.log = editLog;
    this.doc = new Y.Doc();
    this.outbox = [];
    this.text = null;
    this.pos = 0;
    this.counter = 0;
    this.closing = false;
    this.doc.on('update', (update, origin) => {
      if (origin !== REMOTE) this.outbox.push(update);
    });
    this.doc.on('afterTransaction', (tr) => {
      if (tr.origin !== REMOTE) return;
      const now = performance.now();
      for (const [client, after] of tr.afterState) {
        if (after === (tr.beforeState.get(client) ?? 0)) continue;
        const e = this.log.byClient.get(client);
        if (e !== undefined && e !== this.index) this.log.arrived(this.index, e, after, now);
      }
    });
  }

  /**
   * One keystroke-sized edit: a few characters (a unique marker: editor and counter in base 36)
   * typed into the description of an action, sometimes after deleting 1–3 characters; the editor
   * keeps typing where it was, now and then moving to a random action.
   */
  edit(phase) {
    const actions = actionsOf(this.doc);
    if (!this.text || Math.random() < MOVE_SHARE) {
      this.text = actions.get(Math.floor(Math.random() * actions.length)).get('description');
      this.pos = Math.floor(Math.random() * (this.text.length + 1));
    }
    const text = this.text;
    this.pos = Math.min(this.pos, text.length);
    const typed = ` ${this.index.toString(36)}.${(this.counter++).toString(36)}`;
    const sentAt = performance.now();
    this.doc.transact(() => {
      if (this.pos >= 3 && Math.random() < DELETE_SHARE) {
        const len = 1 + Math.floor(Math.random() * 3);
        text.delete(this.pos - len, len);
        this.pos -= len;
      }
      text.insert(this.pos, typed);
    });
    this.pos += typed.length;
    const j = this.log.record(
      this.index,
      Y.getState(this.doc.store, this.doc.clientID),
      sentAt,
      phase,
    );
    this.flush(j);
  }

  /** Sends what local transactions produced (one update per transaction). */
  flush(j = -1) {
    const updates = this.outbox.splice(0);
    return updates.map((update) => this.send(update, j));
  }

  /** A fingerprint of the document's content: equal fingerprints, equal documents. */
  stateKey() {
    return Buffer.from(Y.encodeStateVector(this.doc)).toString('base64');
  }
}

/** Accord: socket.io with plan:open / plan:update, as libs/client/src/plan-session.ts does. */
class AccordEditor extends Editor {
  constructor(index, editLog, socket, planId) {
    super(index, editLog);
    this.socket = socket;
    this.planId = planId;
    socket.on('plan:update', ({ planId: id, update }) => {
      if (id === this.planId) Y.applyUpdate(this.doc, update, REMOTE);
    });
  }

  async open() {
    const opened = await emitOk(this.socket, 'plan:open', { planId: this.planId }, 30_000);
    Y.applyUpdate(this.doc, opened.update, REMOTE);
    if (opened.readOnly) throw new BenchError(`editor ${this.index} opened the plan read-only`);
    this.log.bindClient(this.doc.clientID, this.index);
  }

  /** plan:update; its ack arrives once the update is stored (resolves true, false if refused). */
  send(update, j) {
    if (update.byteLength > UPDATE_MAX_BYTES) {
      throw new BenchError(`an update of ${update.byteLength} bytes exceeds Accord's 48 KB`);
    }
    return new Promise((resolve) => {
      this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emit('plan:update', { planId: this.planId, update }, (err, reply) => {
          const now = performance.now();
          const error = err ? 'ACK_TIMEOUT' : reply?.ok ? null : (reply?.error?.code ?? 'BAD_ACK');
          if (error) noteRefusal(this.index, error, reply?.error?.message);
          if (j >= 0) this.log.acked(this.index, j, now, error);
          resolve(!error);
        });
    });
  }

  close() {
    this.closing = true;
    this.socket.close();
  }
}

/** Hocuspocus message types (its protocol: document name, type, then the y-protocols message). */
const HP = { Sync: 0, Awareness: 1, Auth: 2, SyncReply: 4, Stateless: 5, Close: 7, SyncStatus: 8 };

/** Hocuspocus: y-protocols sync messages over a bare `ws` socket, as its provider sends them. */
class HocuspocusEditor extends Editor {
  constructor(index, editLog, url, name) {
    super(index, editLog);
    this.url = url;
    this.name = name;
  }

  /** Connects, authenticates (any token: the baseline has no auth) and syncs the document. */
  connect() {
    const ws = new WebSocket(this.url, { perMessageDeflate: false });
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    let synced;
    const ready = new Promise((resolve, reject) => {
      synced = resolve;
      ws.once('error', (error) => reject(new BenchError(`ws error: ${error.message}`)));
      ws.once('close', () => reject(new BenchError('the baseline closed the connection')));
    });
    ws.on('open', () => {
      const auth = this.message(HP.Auth);
      encoding.writeVarUint(auth, 0); // token
      encoding.writeVarString(auth, `bench-${this.index}`);
      ws.send(encoding.toUint8Array(auth));
      const step1 = this.message(HP.Sync);
      syncProtocol.writeSyncStep1(step1, this.doc);
      ws.send(encoding.toUint8Array(step1));
    });
    ws.on('message', (data) => {
      const decoder = decoding.createDecoder(data);
      decoding.readVarString(decoder);
      const type = decoding.readVarUint(decoder);
      if (type === HP.Sync || type === HP.SyncReply) {
        const reply = this.message(HP.Sync);
        const empty = encoding.length(reply);
        const syncType = syncProtocol.readSyncMessage(decoder, reply, this.doc, REMOTE);
        if (encoding.length(reply) > empty) ws.send(encoding.toUint8Array(reply));
        if (syncType === syncProtocol.messageYjsSyncStep2) synced();
      } else if (type === HP.Stateless) {
        const { stored } = JSON.parse(decoding.readVarString(decoder));
        const clock = stored?.[this.doc.clientID];
        if (clock !== undefined) this.log.persistedUpTo(this.index, clock, performance.now());
      } else if (type === HP.Auth && decoding.readVarUint(decoder) === 1) {
        log(`baseline refused editor ${this.index}: ${decoding.readVarString(decoder)}`);
      }
    });
    ws.on('close', () => {
      if (!this.closing) noteDisconnect(this.index, 'baseline closed the connection');
    });
    return withTimeout(ready, 30_000, `baseline sync of editor ${this.index}`).then(() => {
      this.log.bindClient(this.doc.clientID, this.index);
    });
  }

  message(type) {
    const encoder = encoding.createEncoder();
    encoding.writeVarString(encoder, this.name);
    encoding.writeVarUint(encoder, type);
    return encoder;
  }

  send(update) {
    const message = this.message(HP.Sync);
    syncProtocol.writeUpdate(message, update);
    this.ws.send(encoding.toUint8Array(message));
    return Promise.resolve(true);
  }

  close() {
    this.closing = true;
    this.ws.close();
  }
}

const refusals = new Map();
let disconnects = 0;

/** Counts refusals by code; the first of each code is logged with its message (evidence). */
function noteRefusal(index, code, message) {
  const seen = refusals.get(code) ?? 0;
  refusals.set(code, seen + 1);
  if (seen === 0) log(`editor ${index}: plan:update refused: ${code} ${message ?? ''}`);
}

function noteDisconnect(index, reason) {
  disconnects++;
  log(`editor ${index}: disconnected (${reason})`);
}

// ---------------------------------------------------------------- preparing both servers

/** Starts bench/baseline-hocuspocus.mjs on CPU 0. */
async function startHocuspocus() {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  if (process.env.BASELINE_DEBOUNCE_MS) env.DEBOUNCE_MS = process.env.BASELINE_DEBOUNCE_MS;
  if (process.env.BASELINE_MAX_DEBOUNCE_MS) {
    env.MAX_DEBOUNCE_MS = process.env.BASELINE_MAX_DEBOUNCE_MS;
  }
  const child = spawnServer(
    'hocuspocus',
    process.execPath,
    [join(ROOT, 'bench/baseline-hocuspocus.mjs')],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, `${url}/api/health`, 30_000, 'Hocuspocus baseline');
  log(`Hocuspocus baseline ready at ${url} (pid ${child.pid})`);
  return { child, pid: child.pid, url };
}

const capacity = () => Math.ceil(EDIT_RATE * (WARMUP + SECONDS)) + 8;

/** Adds the ACTIONS actions in transactions of SEED_BATCH (one update each), in order. */
async function seedActions(editor) {
  let bytes = 0;
  for (let from = 0; from < ACTIONS; from += SEED_BATCH) {
    editor.doc.transact(() => {
      const batch = [];
      for (let i = from; i < Math.min(ACTIONS, from + SEED_BATCH); i++) batch.push(newAction(i));
      actionsOf(editor.doc).push(batch);
    });
    bytes += editor.outbox.reduce((sum, u) => sum + u.byteLength, 0);
    const sent = await Promise.all(editor.flush());
    if (!sent.every(Boolean)) throw new BenchError('the server refused the plan’s actions');
  }
  log(`seeded ${ACTIONS} actions (${Math.round(bytes / 1024)} KB of updates)`);
}

async function prepareBaseline(server, stamp) {
  disconnects = 0;
  const editLog = new EditLog(EDITORS, capacity());
  const url = server.url.replace('http:', 'ws:');
  const name = `plan-${stamp}`;
  const editors = Array.from(
    { length: EDITORS },
    (_, i) => new HocuspocusEditor(i, editLog, url, name),
  );
  await editors[0].connect();
  editors[0].doc.transact(() => fillPlan(editors[0].doc, `Co-editing bench ${stamp}`));
  editors[0].flush();
  await seedActions(editors[0]);
  const connecting = progress('baseline: editors connected and synced', EDITORS);
  connecting.tick();
  await pool(editors.slice(1), 10, async (editor) => {
    await editor.connect();
    connecting.tick();
  });
  return { editors, editLog };
}

/** EDITORS people with an organisation each, members of one private coalition; one plan. */
async function prepareAccord(server, stamp) {
  disconnects = 0;
  const { url } = server;
  log(
    `Preparing Accord: ${EDITORS} people (argon2 makes registration slow), one coalition, one plan`,
  );
  const register = (i) =>
    api(url, 'POST', '/auth/register', {
      body: {
        email: `coedit-${stamp}-${i}@bench.accord.example`,
        password: PASSWORD,
        displayName: `Bench Editor ${i}`,
      },
    });
  const organisationOf = (token, i) =>
    api(url, 'POST', '/organisations', {
      token,
      body: { name: `Coedit Org ${stamp}-${i}`, stakeholderType: 'ngo', country: 'KE' },
    });

  const organiser = await register(0);
  const organiserOrg = await organisationOf(organiser.accessToken, 0);
  const recommendation = await api(url, 'GET', '/recommendations/WP1515-55', {
    token: organiser.accessToken,
  });
  const coalition = await api(url, 'POST', '/coalitions', {
    token: organiser.accessToken,
    body: {
      name: `Co-editing bench ${stamp}`,
      purpose: 'Benchmark plan',
      visibility: 'private',
      recommendationIds: [recommendation.id],
      organisationId: organiserOrg.id,
    },
  });
  const joined = progress('registered + joined the coalition', EDITORS);
  joined.tick();
  const others = await pool(
    Array.from({ length: EDITORS - 1 }, (_, i) => i + 1),
    4,
    async (i) => {
      const person = await register(i);
      const organisation = await organisationOf(person.accessToken, i);
      const invitation = await api(url, 'POST', `/coalitions/${coalition.id}/invitations`, {
        token: organiser.accessToken,
        body: { email: person.user.email, role: 'member', organisationId: organisation.id },
      });
      await api(url, 'POST', `/invitations/${invitation.token}/accept`, {
        token: person.accessToken,
        body: {},
      });
      joined.tick();
      return person.accessToken;
    },
  );
  const plan = await api(url, 'POST', `/coalitions/${coalition.id}/action-plans`, {
    token: organiser.accessToken,
    body: { title: `Co-editing bench ${stamp}` },
  });

  const editLog = new EditLog(EDITORS, capacity());
  const tokens = [organiser.accessToken, ...others];
  const connecting = progress('accord: sockets connected', EDITORS);
  const editors = await pool(tokens, 10, async (token, i) => {
    const socket = await connectSocket(url, token);
    const editor = new AccordEditor(i, editLog, socket, plan.id);
    socket.on('disconnect', (reason) => {
      if (!editor.closing) noteDisconnect(i, reason);
    });
    connecting.tick();
    return editor;
  });
  await editors[0].open();
  await seedActions(editors[0]);
  const opening = progress('accord: editors opened the plan', EDITORS);
  opening.tick();
  await pool(editors.slice(1), 10, async (editor) => {
    await editor.open();
    opening.tick();
  });
  return { editors, editLog };
}

// ---------------------------------------------------------------- the run

/** Waits until every editor's document has the same state (and all the actions). */
async function waitForSameState(label, editors, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const first = editors[0].stateKey();
    const same = editors.every(
      (e) => actionsOf(e.doc)?.length === ACTIONS && e.stateKey() === first,
    );
    if (same) return;
    if (performance.now() > deadline) {
      throw new BenchError(`${label}: the editors' documents still differ after ${timeoutMs} ms`);
    }
    await sleep(50);
  }
}

async function runCoedit(label, server, engine, { editors, editLog }) {
  const n = editors.length;
  await waitForSameState(label, editors);
  const stateBytes = Y.encodeStateAsUpdate(editors[0].doc).byteLength;
  log(`${label}: ${n} editors share the plan (${Math.round(stateBytes / 1024)} KB as one update)`);
  await sleep(1000);

  const totalRate = n * EDIT_RATE;
  /** Round robin over the editors at totalRate: each makes EDIT_RATE edits a second. */
  const editFor = (phase, seconds, onProgress) =>
    new Promise((resolve, reject) => {
      const total = Math.round(totalRate * seconds);
      const t0 = performance.now();
      let made = 0;
      let lastProgress = t0;
      const timer = setInterval(() => {
        try {
          const now = performance.now();
          const due = Math.min(total, Math.floor(((now - t0) * totalRate) / 1000));
          while (made < due) editors[made++ % n].edit(phase);
          if (onProgress && now - lastProgress >= 5000) {
            lastProgress = now;
            onProgress(made);
          }
          if (made >= total) {
            clearInterval(timer);
            resolve({ made, seconds: (performance.now() - t0) / 1000 });
          }
        } catch (error) {
          clearInterval(timer);
          reject(error);
        }
      }, 2);
    });

  /** Until every edit of the phase reached every other editor; answers how many arrivals lack. */
  const drain = async (phase) => {
    const p = editLog.phases[phase];
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (p.delivered < p.edits * (n - 1) && performance.now() < deadline) await sleep(5);
    return p.edits * (n - 1) - p.delivered;
  };
  /** Until every edit of the phase is acknowledged as stored (or refused). */
  const persisted = async (phase) => {
    const p = editLog.phases[phase];
    const deadline = performance.now() + PERSIST_TIMEOUT_MS;
    while (p.persisted + p.refused < p.edits && performance.now() < deadline) await sleep(20);
    return p.edits - p.persisted - p.refused;
  };

  if (WARMUP > 0) {
    log(`${label}: warm-up, ${WARMUP} s at ${totalRate} edits/s`);
    await editFor(WARM, WARMUP);
    const missing = await drain(WARM);
    const unstored = await persisted(WARM);
    const w = editLog.phases[WARM];
    log(
      `${label}: warm-up: ${w.edits} edits, ${w.persisted} stored${w.refused ? `, ${w.refused} refused ${JSON.stringify(w.errors)}` : ''}${missing ? `, ${missing} arrivals missing` : ''}${unstored ? `, ${unstored} not stored in time` : ''}`,
    );
    await sleep(1000);
  }

  const enginePid = engine?.pid;
  const quietBefore = await checkQuiet(label, server.pid, enginePid);
  log(`${label}: measuring, ${SECONDS} s at ${totalRate} edits/s`);
  // This process' own event-loop delay: when high, arrivals and acks wait in the load generator.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const before = cpuSnapshot(server.pid, enginePid);
  let lastSnap = before;
  const m = editLog.phases[MEASURED];
  const editing = await editFor(MEASURED, SECONDS, (made) => {
    const snap = cpuSnapshot(server.pid, enginePid);
    const d = cpuDelta(lastSnap, snap);
    const pct = (us) => ((us / (d.wallMs * 1000)) * 100).toFixed(0);
    log(
      `${label}: ${made} edits, ${m.delivered} arrivals, ${m.persisted} stored, server CPU ${pct(d.serverUs)}%${engine ? `, engine CPU ${pct(d.engineUs)}%` : ''}, load generator ${pct(d.loadUs)}%, other ${pct(d.otherUs)}%`,
    );
    lastSnap = snap;
  });
  const sendEnd = cpuSnapshot(server.pid, enginePid);
  loopDelay.disable();
  const missing = await drain(MEASURED);
  const unstored = await persisted(MEASURED);
  const after = cpuSnapshot(server.pid, enginePid);
  const editingCpu = cpuDelta(before, sendEnd);
  const cpu = cpuDelta(before, after);

  // The final check: every document the same (state vectors and content).
  const keys = new Set(editors.map((e) => e.stateKey()));
  const contents = new Set(editors.map((e) => JSON.stringify(e.doc.getMap('plan').toJSON())));
  const identical = keys.size === 1 && contents.size === 1;
  for (const editor of editors) editor.close();

  const prop = m.propagation.sorted();
  const toAll = m.toAll.sorted();
  const pers = m.persistence.sorted();
  const converged = missing === 0 && identical;
  const edits = m.edits;
  const perEdit = (us) => (edits ? round(us / edits, 1) : null);
  const pctOf = (us, d) => round((us / (d.wallMs * 1000)) * 100, 1);
  const result = {
    editors: n,
    editsPerSecondPerEditor: EDIT_RATE,
    actions: ACTIONS,
    seconds: SECONDS,
    stateBytes,
    edits,
    editRate: round(edits / editing.seconds, 1),
    stored: m.persisted,
    refused: m.refused,
    refusals: m.errors,
    notStoredInTime: unstored,
    arrivals: m.delivered,
    arrivalsExpected: edits * (n - 1),
    arrivalsMissing: missing,
    disconnects,
    propagationMs: {
      p50: round(percentile(prop, 50)),
      p95: round(percentile(prop, 95)),
      p99: round(percentile(prop, 99)),
      max: round(prop[prop.length - 1]),
    },
    propagationToAllMs: {
      p50: round(percentile(toAll, 50)),
      p99: round(percentile(toAll, 99)),
      max: round(toAll[toAll.length - 1]),
    },
    convergenceMs: converged ? round(m.lastArrivalAt - m.lastEditAt) : null,
    identical,
    persistenceMs: {
      p50: round(percentile(pers, 50)),
      p95: round(percentile(pers, 95)),
      p99: round(percentile(pers, 99)),
      max: round(pers[pers.length - 1]),
    },
    windowSeconds: round(cpu.wallMs / 1000, 3),
    serverCpuMs: round(cpu.serverUs / 1000, 1),
    engineCpuMs: round(cpu.engineUs / 1000, 1),
    totalCpuMs: round((cpu.serverUs + cpu.engineUs) / 1000, 1),
    serverCpuUsPerEdit: perEdit(cpu.serverUs),
    engineCpuUsPerEdit: perEdit(cpu.engineUs),
    totalCpuUsPerEdit: perEdit(cpu.serverUs + cpu.engineUs),
    serverCpuPctWhileEditing: pctOf(editingCpu.serverUs, editingCpu),
    engineCpuPctWhileEditing: pctOf(editingCpu.engineUs, editingCpu),
    loadGeneratorCpuPct: pctOf(editingCpu.loadUs, editingCpu),
    loadGeneratorLoopDelayMs: {
      p99: round(loopDelay.percentile(99) / 1e6),
      max: round(loopDelay.max / 1e6),
    },
    otherCpuPct: pctOf(editingCpu.otherUs, editingCpu),
    beforeMeasuringPct: {
      server: round(quietBefore.serverPct, 1),
      engine: round(quietBefore.enginePct, 1),
      other: round(quietBefore.otherPct, 1),
    },
  };
  log(
    `${label}: done — ${edits} edits, ${m.persisted} stored, ${m.delivered}/${edits * (n - 1)} arrivals, propagation p99 ${result.propagationMs.p99} ms, convergence ${result.convergenceMs ?? 'NOT REACHED'} ms, ${result.totalCpuUsPerEdit} µs CPU/edit`,
  );
  if (!identical) log(`${label}: WARNING: the documents differ at the end (${keys.size} states)`);
  if (result.loadGeneratorLoopDelayMs.p99 > 20) {
    log(
      `WARNING: the load generator's event loop was delayed up to ${result.loadGeneratorLoopDelayMs.p99} ms (p99; ${result.loadGeneratorLoopDelayMs.max} ms max): arrivals and acks waited in this process, latencies are overstated (a busy machine?)`,
    );
  }
  if (result.loadGeneratorCpuPct > 90) {
    log(
      `WARNING: the load generator used ${result.loadGeneratorCpuPct}% of its CPU: latencies include client-side queueing`,
    );
  }
  await sleep(500);
  return result;
}

// ---------------------------------------------------------------- report

function report(results, pinning) {
  const { accord, baseline } = results;
  const labels = Object.keys(results);
  const cell = (fn) => labels.map((l) => fn(results[l]));
  const fmt = (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v);
  const both = accord && baseline;
  const ratio = (a, b) => (a !== null && b ? a / b : Infinity);
  const cpuRatio = both ? ratio(accord.totalCpuUsPerEdit, baseline.totalCpuUsPerEdit) : undefined;
  const serverRatio = both
    ? ratio(accord.serverCpuUsPerEdit, baseline.serverCpuUsPerEdit)
    : undefined;
  const rows = [
    ['', ...labels],
    ['editors × edits/s', ...cell((r) => `${r.editors} × ${r.editsPerSecondPerEditor}`)],
    ['plan state (KB)', ...cell((r) => Math.round(r.stateBytes / 1024))],
    ['edits made (edits/s)', ...cell((r) => `${r.edits} (${r.editRate})`)],
    ['edits stored / refused', ...cell((r) => `${r.stored} / ${r.refused}`)],
    ['refusals', ...cell((r) => JSON.stringify(r.refusals))],
    ['arrivals / expected', ...cell((r) => `${r.arrivals} / ${r.arrivalsExpected}`)],
    ['propagation p50 (ms)', ...cell((r) => fmt(r.propagationMs.p50))],
    ['propagation p95 (ms)', ...cell((r) => fmt(r.propagationMs.p95))],
    ['propagation p99 (ms)', ...cell((r) => fmt(r.propagationMs.p99))],
    ['propagation max (ms)', ...cell((r) => fmt(r.propagationMs.max))],
    [
      'to all others p50 / p99 (ms)',
      ...cell((r) => `${fmt(r.propagationToAllMs.p50)} / ${fmt(r.propagationToAllMs.p99)}`),
    ],
    [
      'convergence after last edit (ms)',
      ...cell((r) => (fmt(r.convergenceMs) === '—' ? 'NOT REACHED' : r.convergenceMs)),
    ],
    ['documents identical at the end', ...cell((r) => (r.identical ? 'yes' : 'NO'))],
    ['persistence p50 (ms)', ...cell((r) => fmt(r.persistenceMs.p50))],
    ['persistence p95 (ms)', ...cell((r) => fmt(r.persistenceMs.p95))],
    ['persistence p99 (ms)', ...cell((r) => fmt(r.persistenceMs.p99))],
    ['persistence max (ms)', ...cell((r) => fmt(r.persistenceMs.max))],
    ['server CPU total (ms)', ...cell((r) => r.serverCpuMs)],
    ['engine CPU total (ms)', ...cell((r) => r.engineCpuMs)],
    ['server + engine CPU total (ms)', ...cell((r) => r.totalCpuMs)],
    ['server CPU µs / edit', ...cell((r) => fmt(r.serverCpuUsPerEdit))],
    ['engine CPU µs / edit', ...cell((r) => fmt(r.engineCpuUsPerEdit))],
    ['server + engine CPU µs / edit', ...cell((r) => fmt(r.totalCpuUsPerEdit))],
    ['server CPU while editing (% core)', ...cell((r) => r.serverCpuPctWhileEditing)],
    ['engine CPU while editing (% core)', ...cell((r) => r.engineCpuPctWhileEditing)],
    ['CPU window (s)', ...cell((r) => r.windowSeconds)],
    ['load generator CPU (%)', ...cell((r) => r.loadGeneratorCpuPct)],
    [
      'load generator loop delay p99 / max (ms)',
      ...cell((r) => `${r.loadGeneratorLoopDelayMs.p99} / ${r.loadGeneratorLoopDelayMs.max}`),
    ],
    ['other CPU on the machine (%)', ...cell((r) => r.otherCpuPct)],
    ['disconnects', ...cell((r) => r.disconnects)],
  ];
  process.stdout.write(
    `\nCo-editing: ${EDITORS} editors × ${EDIT_RATE} edits/s, one plan of ${ACTIONS} actions, ${SECONDS} s${pinning.enabled ? ' (servers+engine on CPU 0, load on CPU 1)' : ` (NOT pinned: ${pinning.reason})`}\n`,
  );
  process.stdout.write(
    'persistence: Accord = plan:update → its ack (sent once stored in the engine); baseline = edit → the store message after onStoreDocument covered it (in memory, debounced)\n\n',
  );
  if (accord) {
    // The goals next to the figures they apply to (Accord's column).
    const goalOf = {
      'propagation p99 (ms)': `≤ ${GOALS.propagationP99Ms}`,
      'convergence after last edit (ms)': `≤ ${GOALS.convergenceMs}`,
      'persistence p95 (ms)': `≤ ${GOALS.persistenceP95Ms}`,
      'server + engine CPU µs / edit': baseline
        ? `≤ ${round(GOALS.cpuRatioMax * baseline.totalCpuUsPerEdit, 1)} (${GOALS.cpuRatioMax} × baseline)`
        : `≤ ${GOALS.cpuRatioMax} × baseline`,
      'documents identical at the end': 'yes',
    };
    rows[0].push('goal (Accord)');
    for (const row of rows.slice(1)) row.push(goalOf[row[0]] ?? '');
  }
  process.stdout.write(`${table(rows)}\n\n`);

  const goals = [];
  if (accord) {
    goals.push({
      goal: `Accord propagation p99 ≤ ${GOALS.propagationP99Ms} ms`,
      value: accord.propagationMs.p99 === null ? 'no arrivals' : `${accord.propagationMs.p99} ms`,
      met: accord.propagationMs.p99 !== null && accord.propagationMs.p99 <= GOALS.propagationP99Ms,
    });
    goals.push({
      goal: `Accord convergence after the last edit ≤ ${GOALS.convergenceMs} ms`,
      value: accord.convergenceMs === null ? 'not converged' : `${accord.convergenceMs} ms`,
      met: accord.convergenceMs !== null && accord.convergenceMs <= GOALS.convergenceMs,
    });
    goals.push({
      goal: `Accord persistence (ack) p95 ≤ ${GOALS.persistenceP95Ms} ms`,
      value: accord.persistenceMs.p95 === null ? 'no acks' : `${accord.persistenceMs.p95} ms`,
      met: accord.persistenceMs.p95 !== null && accord.persistenceMs.p95 <= GOALS.persistenceP95Ms,
    });
    if (cpuRatio !== undefined) {
      goals.push({
        goal: `Accord server + engine CPU/edit ≤ ${GOALS.cpuRatioMax} × baseline`,
        value: `${cpuRatio.toFixed(2)} ×`,
        met: cpuRatio <= GOALS.cpuRatioMax,
      });
    }
    goals.push({
      goal: 'Accord: every edit stored, every document identical',
      value: `${accord.stored}/${accord.edits} stored, ${accord.identical ? 'identical' : 'DIFFERENT'}`,
      met: accord.stored === accord.edits && accord.edits > 0 && accord.identical,
    });
  }
  if (cpuRatio !== undefined) {
    process.stdout.write(
      `Accord / baseline CPU per edit: server + engine ${cpuRatio.toFixed(2)} ×  (server alone: ${serverRatio.toFixed(2)} ×)\n\n`,
    );
  }
  if (goals.length) {
    process.stdout.write(
      `${table([['goal', 'value', 'met'], ...goals.map((g) => [g.goal, g.value, g.met ? 'PASS' : 'FAIL'])])}\n\n`,
    );
  }
  const finite = (v) => (v === undefined ? null : Number.isFinite(v) ? round(v, 3) : 'Infinity');
  const summary = {
    scenario: 'coedit',
    editors: EDITORS,
    editsPerSecondPerEditor: EDIT_RATE,
    actions: ACTIONS,
    seconds: SECONDS,
    warmupSeconds: WARMUP,
    pinned: pinning.enabled,
    cpuRatioAccordOverBaseline: finite(cpuRatio),
    serverCpuRatioAccordOverBaseline: finite(serverRatio),
    goals: Object.fromEntries(goals.map((g) => [g.goal, g.met])),
    allGoalsMet: goals.every((g) => g.met),
    ...results,
  };
  process.stdout.write(`RESULT ${JSON.stringify(summary)}\n`);
  return goals.every((g) => g.met) ? 0 : 2;
}
