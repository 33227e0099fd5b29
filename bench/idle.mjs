#!/usr/bin/env node
// Idle-connections benchmark: SOCKETS authenticated sockets (USERS people × SOCKETS/USERS sockets
// each, access tokens shared by a person's sockets) joined to ROOMS public coalitions (the people
// are outsiders: public rooms are open to them read-only). Measures the BUILT Accord server's
// memory per connection (VmRSS with all sockets joined minus VmRSS after a warm-up with none,
// medians of several samples) and its CPU while the sockets sit idle for IDLE_SECONDS.
// Accord and FerretDB run on CPU 0, this load generator on CPU 1.
//
//   npm run bench:idle                          # 5,000 sockets, 500 people, 100 rooms, 30 s idle
//   SOCKETS=1000 USERS=100 ROOMS=20 IDLE_SECONDS=10 npm run bench:idle
//
// Exit code: 0 the goal is met, 2 it is missed (figures still printed), 1 the benchmark failed.
import { ObjectId } from 'mongodb';
import {
  api,
  BenchError,
  connectSocket,
  checkQuiet,
  cpuMicros,
  emitOk,
  machineBusyMicros,
  log,
  median,
  option,
  PASSWORD,
  pool,
  progress,
  round,
  rssKb,
  runMain,
  setUpPinning,
  sleep,
  startAccord,
  startBaseline,
  startFerretDb,
  table,
  usageError,
} from './lib.mjs';

const SOCKETS = option('sockets', 5000);
const USERS = option('users', 500);
const ROOMS = option('rooms', 100);
const IDLE_SECONDS = option('idle_seconds', 30);
const SETTLE_SECONDS = option('settle_seconds', 5, { min: 0 });
const CONNECT_CONCURRENCY = option('connect_concurrency', 50);
/** Events per second one person may send during the joins (the server allows 10/s, bursts of 30). */
const JOINS_PER_PERSON_PER_SECOND = 4;
const GOAL_KB_PER_CONNECTION = 25;
/** `accord` (default) or `baseline`: the bare socket.io server of bench/baseline-server.mjs, as a reference. */
const TARGET = (
  process.argv.find((a) => a.startsWith('--target='))?.slice(9) ??
  process.env.TARGET ??
  'accord'
).toLowerCase();
if (TARGET !== 'accord' && TARGET !== 'baseline') {
  usageError('TARGET (--target) must be accord or baseline');
}

if (SOCKETS % USERS !== 0) usageError('SOCKETS must be a multiple of USERS');
const PER_USER = SOCKETS / USERS;

runMain(async () => {
  const pinning = setUpPinning();
  log(
    `Idle (${TARGET}): ${SOCKETS} sockets (${USERS} people × ${PER_USER}) in ${ROOMS} public rooms, ${IDLE_SECONDS} s idle`,
  );
  const stamp = Date.now();
  const engine = await startFerretDb();
  const server =
    TARGET === 'baseline'
      ? await startBaseline(`${engine.uri}/bench-idle-baseline-${stamp}`)
      : await startAccord(`${engine.uri}/accord-idle-${stamp}`);
  const { url, pid } = server;
  const { tokens, coalitionIds } =
    TARGET === 'baseline'
      ? {
          // The baseline takes a user id as its token and any id as a room.
          tokens: Array.from({ length: USERS }, () => new ObjectId().toHexString()),
          coalitionIds: Array.from({ length: ROOMS }, () => new ObjectId().toHexString()),
        }
      : await prepareAccord(url, stamp);

  // Socket i belongs to person floor(i / PER_USER) and sits in room i % ROOMS.
  const plan = Array.from({ length: SOCKETS }, (_, i) => ({
    user: Math.floor(i / PER_USER),
    nth: i % PER_USER,
    coalitionId: coalitionIds[i % ROOMS],
  }));

  /** Opens and joins sockets for `entries`, pacing each person's joins. */
  const openAndJoin = async (entries, label) => {
    const connected = progress(`${label}: sockets connected`, entries.length, 3000);
    const t0 = performance.now();
    const sockets = await pool(entries, CONNECT_CONCURRENCY, async (entry) => {
      const socket = await connectSocket(url, tokens[entry.user], 30_000);
      connected.tick();
      return socket;
    });
    const connectSeconds = (performance.now() - t0) / 1000;
    // Joins go in rounds: round r joins every person's r-th socket, so each person sends one
    // event per round, and a round lasts at least 1/JOINS_PER_PERSON_PER_SECOND s.
    const joined = progress(`${label}: sockets joined`, entries.length, 3000);
    const t1 = performance.now();
    const rounds = new Map();
    entries.forEach((entry, i) => {
      if (!rounds.has(entry.nth)) rounds.set(entry.nth, []);
      rounds.get(entry.nth).push(i);
    });
    for (const indices of [...rounds.keys()].sort((a, b) => a - b).map((k) => rounds.get(k))) {
      const roundStart = performance.now();
      await pool(indices, CONNECT_CONCURRENCY, async (i) => {
        await emitOk(sockets[i], 'room:join', { coalitionId: entries[i].coalitionId }, 30_000);
        joined.tick();
      });
      const wait = 1000 / JOINS_PER_PERSON_PER_SECOND - (performance.now() - roundStart);
      if (wait > 0) await sleep(wait);
    }
    return { sockets, connectSeconds, joinSeconds: (performance.now() - t1) / 1000 };
  };

  const closeAll = async (sockets) => {
    for (const socket of sockets) socket.close();
    await sleep(200);
  };

  const sampleRss = async (count, everyMs) => {
    const samples = [];
    for (let i = 0; i < count; i++) {
      if (i) await sleep(everyMs);
      samples.push(rssKb(pid));
    }
    return samples;
  };

  // ---- warm-up: every code path once (connect, join, presence, disconnect), then nothing open
  const warmCount = Math.min(SOCKETS, 200);
  log(`Warm-up: ${warmCount} sockets connect, join and leave`);
  const warm = await openAndJoin(plan.slice(0, warmCount), 'warm-up');
  await closeAll(warm.sockets);
  log('Warm-up done; letting the server settle with no sockets');
  await sleep(3000);
  const quietBefore = await checkQuiet('idle', pid, engine.pid);
  const idle0Start = cpuMicros(pid);
  const rssEmptySamples = await sampleRss(10, 1000);
  const idle0Us = cpuMicros(pid) - idle0Start;
  const rssEmpty = median(rssEmptySamples);
  log(`RSS with no sockets: median ${rssEmpty} KB of ${rssEmptySamples.join(', ')}`);

  // ---- all sockets
  log(`Opening ${SOCKETS} sockets`);
  const all = await openAndJoin(plan, 'all');
  let disconnects = 0;
  let closing = false;
  for (const socket of all.sockets) {
    socket.on('disconnect', (reason) => {
      if (closing) return;
      disconnects++;
      log(`a socket disconnected (${reason})`);
    });
  }
  log(
    `All ${SOCKETS} sockets connected in ${all.connectSeconds.toFixed(1)} s and joined in ${all.joinSeconds.toFixed(1)} s; settling ${SETTLE_SECONDS} s`,
  );
  await sleep(SETTLE_SECONDS * 1000);

  // ---- idle window: CPU over IDLE_SECONDS, RSS sampled every 2 s
  log(`Idle window: ${IDLE_SECONDS} s`);
  const machineStart = machineBusyMicros();
  const loadStart = process.cpuUsage();
  const cpuStart = cpuMicros(pid);
  const engineStart = cpuMicros(engine.pid);
  const wallStart = performance.now();
  const rssFullSamples = [];
  while (performance.now() - wallStart < IDLE_SECONDS * 1000) {
    rssFullSamples.push(rssKb(pid));
    const left = IDLE_SECONDS * 1000 - (performance.now() - wallStart);
    await sleep(Math.min(2000, Math.max(0, left)));
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const idleUs = cpuMicros(pid) - cpuStart;
  const engineIdleUs = cpuMicros(engine.pid) - engineStart;
  const loadUsage = process.cpuUsage(loadStart);
  const otherUs = Math.max(
    0,
    machineBusyMicros() - machineStart - idleUs - engineIdleUs - loadUsage.user - loadUsage.system,
  );
  const rssFull = median(rssFullSamples);
  const stillConnected = all.sockets.filter((s) => s.connected).length;
  log(`RSS with ${SOCKETS} sockets: median ${rssFull} KB of ${rssFullSamples.join(', ')}`);

  closing = true;
  await closeAll(all.sockets);
  await server.child.stop();

  const perConnectionKb = (rssFull - rssEmpty) / SOCKETS;
  const result = {
    scenario: 'idle',
    target: TARGET,
    sockets: SOCKETS,
    people: USERS,
    socketsPerPerson: PER_USER,
    rooms: ROOMS,
    pinned: pinning.enabled,
    connectSeconds: round(all.connectSeconds, 1),
    joinSeconds: round(all.joinSeconds, 1),
    rssEmptyKb: rssEmpty,
    rssEmptySamplesKb: rssEmptySamples,
    rssFullKb: rssFull,
    rssFullSamplesKb: rssFullSamples,
    rssPerConnectionKb: round(perConnectionKb, 2),
    idleSeconds: round(wallSeconds, 2),
    idleCpuPctOfCore: round((idleUs / (wallSeconds * 1e6)) * 100, 2),
    idleCpuUsPerSecond: Math.round(idleUs / wallSeconds),
    idleCpuUsPerSocketPerSecond: round(idleUs / wallSeconds / SOCKETS, 3),
    idleCpuNoSocketsUsPerSecond: Math.round(idle0Us / (rssEmptySamples.length - 1 || 1)),
    engineIdleCpuUsPerSecond: Math.round(engineIdleUs / wallSeconds),
    otherCpuPctDuringIdle: round((otherUs / (wallSeconds * 1e6)) * 100, 1),
    otherCpuPctBefore: round(quietBefore.otherPct, 1),
    stillConnected,
    disconnects,
    goalKbPerConnection: GOAL_KB_PER_CONNECTION,
    goalMet: perConnectionKb <= GOAL_KB_PER_CONNECTION && stillConnected === SOCKETS,
  };

  const rows = [
    ['', 'value'],
    ['sockets (people × sockets each)', `${SOCKETS} (${USERS} × ${PER_USER})`],
    ['rooms', ROOMS],
    ['connect / join time (s)', `${result.connectSeconds} / ${result.joinSeconds}`],
    ['server RSS, no sockets (KB, median)', rssEmpty],
    [`server RSS, ${SOCKETS} sockets (KB, median)`, rssFull],
    ['RSS per connection (KB)', result.rssPerConnectionKb],
    [`idle CPU over ${result.idleSeconds} s (% of a core)`, result.idleCpuPctOfCore],
    ['idle CPU (µs/s)', result.idleCpuUsPerSecond],
    ['idle CPU per socket (µs/s)', result.idleCpuUsPerSocketPerSecond],
    ['idle CPU with no sockets (µs/s)', result.idleCpuNoSocketsUsPerSecond],
    ['engine CPU while idle (µs/s)', result.engineIdleCpuUsPerSecond],
    ['other CPU on the machine while idle (%)', result.otherCpuPctDuringIdle],
    ['still connected at the end', `${stillConnected} / ${SOCKETS}`],
  ];
  process.stdout.write(
    `\nIdle (${TARGET === 'accord' ? 'Accord' : 'baseline: bare socket.io'}): ${SOCKETS} sockets in ${ROOMS} rooms${pinning.enabled ? ' (server+engine on CPU 0, load on CPU 1)' : ` (NOT pinned: ${pinning.reason})`}\n\n`,
  );
  process.stdout.write(`${table(rows)}\n\n`);
  process.stdout.write(
    `${table([
      ['goal', 'value', 'met'],
      [
        `RSS per connection ≤ ${GOAL_KB_PER_CONNECTION} KB`,
        `${result.rssPerConnectionKb} KB`,
        perConnectionKb <= GOAL_KB_PER_CONNECTION ? 'PASS' : 'FAIL',
      ],
      [
        'every socket still connected',
        `${stillConnected} / ${SOCKETS}`,
        stillConnected === SOCKETS ? 'PASS' : 'FAIL',
      ],
    ])}\n\n`,
  );
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  return result.goalMet ? 0 : 2;
});

/** One organiser with ROOMS public coalitions; USERS people without organisations. */
async function prepareAccord(url, stamp) {
  log(`Preparing: ${ROOMS} public coalitions and ${USERS} people (argon2 makes registration slow)`);
  const organiser = await api(url, 'POST', '/auth/register', {
    body: {
      email: `idle-${stamp}-organiser@bench.accord.example`,
      password: PASSWORD,
      displayName: 'Bench Organiser',
    },
  });
  const token = organiser.accessToken;
  const org = await api(url, 'POST', '/organisations', {
    token,
    body: { name: `Idle Bench Org ${stamp}`, stakeholderType: 'ngo', country: 'KE' },
  });
  const recommendations = await api(url, 'GET', '/recommendations?limit=1', { token });
  if (!recommendations.items?.length)
    throw new BenchError('Accord has no recommendations (the catalogue did not load)');
  const coalitionTick = progress('coalitions created', ROOMS);
  const coalitionIds = await pool(
    Array.from({ length: ROOMS }, (_, i) => i),
    4,
    async (i) => {
      const coalition = await api(url, 'POST', '/coalitions', {
        token,
        body: {
          name: `Idle bench room ${stamp}-${i}`,
          purpose: 'Benchmark room',
          visibility: 'public',
          recommendationIds: [recommendations.items[0].id],
          organisationId: org.id,
        },
      });
      coalitionTick.tick();
      return coalition.id;
    },
  );
  const userTick = progress('people registered', USERS);
  const tokens = await pool(
    Array.from({ length: USERS }, (_, i) => i),
    4,
    async (i) => {
      const person = await api(url, 'POST', '/auth/register', {
        body: {
          email: `idle-${stamp}-${i}@bench.accord.example`,
          password: PASSWORD,
          displayName: `Idle Person ${i}`,
        },
      });
      userTick.tick();
      return person.accessToken;
    },
  );

  return { tokens, coalitionIds };
}
