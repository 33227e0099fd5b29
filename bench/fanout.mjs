#!/usr/bin/env node
// Fan-out benchmark: CLIENTS people (one socket each) in ONE room post RATE comments/s together
// for SECONDS; every comment is delivered to every socket of the room (the sender included).
// Run against the BASELINE (bench/baseline-server.mjs: bare socket.io + raw mongodb driver doing
// the same work per comment) and then against the BUILT Accord server, each on a fresh database
// of the same FerretDB engine. Servers and the engine run on CPU 0, this load generator on CPU 1.
//
//   npm run bench:fanout                      # 200 clients, 200 comments/s, 30 s
//   CLIENTS=100 RATE=100 SECONDS=10 npm run bench:fanout
//   npm run bench:fanout -- --clients=50 --rate=50 --seconds=10 --only=accord
//
// Exit code: 0 all goals met, 2 a goal missed (figures still printed), 1 the benchmark failed.
import { ObjectId } from 'mongodb';
import {
  api,
  BenchError,
  checkQuiet,
  connectSocket,
  cpuDelta,
  cpuSnapshot,
  emitOk,
  log,
  option,
  PASSWORD,
  percentile,
  pool,
  progress,
  round,
  runMain,
  Samples,
  setUpPinning,
  sleep,
  startAccord,
  startBaseline,
  startFerretDb,
  table,
  usageError,
} from './lib.mjs';

const CLIENTS = option('clients', 200, { min: 2 });
const RATE = option('rate', 200, { integer: false, min: 0.1 });
const SECONDS = option('seconds', 30, { integer: false, min: 1 });
const WARMUP = option('warmup', 3, { integer: false, min: 0 });
const ACK_TIMEOUT_MS = option('ack_timeout_ms', 10_000);
const DRAIN_TIMEOUT_MS = option('drain_timeout_ms', 15_000);
const ONLY = (
  process.argv.find((a) => a.startsWith('--only='))?.slice(7) ??
  process.env.ONLY ??
  ''
).toLowerCase();
if (ONLY && ONLY !== 'accord' && ONLY !== 'baseline') {
  usageError('ONLY (--only) must be accord or baseline');
}

const GOALS = { cpuRatioMax: 1.3, p99MsMax: 100, deliveryRatio: 1 };
const STAKEHOLDER_TYPES = [
  'state',
  'ngo',
  'business',
  'union',
  'academia',
  'intergovernmental',
  'nhri',
  'other',
];
const FILLER =
  ' — fan-out benchmark comment, about the length of a short chat message in a live room.';

runMain(async () => {
  const pinning = setUpPinning();
  if (RATE / CLIENTS > 8) {
    log(
      `WARNING: ${RATE}/s over ${CLIENTS} people is ${(RATE / CLIENTS).toFixed(1)} events/s each; the server allows 10/s per person`,
    );
  }
  log(
    `Fan-out: ${CLIENTS} clients in one room, ${RATE} comments/s for ${SECONDS} s (warm-up ${WARMUP} s)`,
  );
  const stamp = Date.now();
  const engine = await startFerretDb();
  const results = {};

  if (ONLY !== 'accord') {
    log('=== Baseline (bare socket.io + mongodb driver) ===');
    const server = await startBaseline(`${engine.uri}/bench-baseline-${stamp}`);
    const tokens = Array.from({ length: CLIENTS }, () => new ObjectId().toHexString());
    results.baseline = await runFanout(
      'baseline',
      server,
      engine,
      tokens,
      new ObjectId().toHexString(),
    );
    await server.child.stop();
  }

  if (ONLY !== 'baseline') {
    log('=== Accord (built server) ===');
    const server = await startAccord(`${engine.uri}/accord-bench-${stamp}`);
    const { tokens, coalitionId } = await prepareAccord(server.url, stamp);
    results.accord = await runFanout('accord', server, engine, tokens, coalitionId);
    await server.child.stop();
  }

  return report(results, pinning);
});

/** 200 people, each with an organisation, all members of one public coalition. */
async function prepareAccord(url, stamp) {
  log(
    `Preparing Accord: ${CLIENTS} people (argon2 makes registration slow), their organisations, one public coalition`,
  );
  const register = (i) =>
    api(url, 'POST', '/auth/register', {
      body: {
        email: `fanout-${stamp}-${i}@bench.accord.example`,
        password: PASSWORD,
        displayName: `Bench Person ${i}`,
      },
    });
  const organisationOf = (token, i) =>
    api(url, 'POST', '/organisations', {
      token,
      body: {
        name: `Bench Org ${stamp}-${i}`,
        stakeholderType: STAKEHOLDER_TYPES[i % STAKEHOLDER_TYPES.length],
        country: 'KE',
      },
    });

  const organiser = await register(0);
  const organiserOrg = await organisationOf(organiser.accessToken, 0);
  const recommendations = await api(url, 'GET', '/recommendations?limit=1', {
    token: organiser.accessToken,
  });
  if (!recommendations.items?.length)
    throw new BenchError('Accord has no recommendations (the catalogue did not load)');
  const coalition = await api(url, 'POST', '/coalitions', {
    token: organiser.accessToken,
    body: {
      name: `Fan-out bench ${stamp}`,
      purpose: 'Benchmark room',
      visibility: 'public',
      recommendationIds: [recommendations.items[0].id],
      organisationId: organiserOrg.id,
    },
  });

  const tick = progress('registered + joined the coalition', CLIENTS);
  tick.tick();
  const others = await pool(
    Array.from({ length: CLIENTS - 1 }, (_, i) => i + 1),
    4,
    async (i) => {
      const person = await register(i);
      const organisation = await organisationOf(person.accessToken, i);
      const invitation = await api(url, 'POST', `/coalitions/${coalition.id}/invitations`, {
        token: organiser.accessToken,
        body: { email: person.user.email, role: 'member' },
      });
      await api(url, 'POST', `/invitations/${invitation.token}/accept`, {
        token: person.accessToken,
        body: { organisationId: organisation.id },
      });
      tick.tick();
      return person.accessToken;
    },
  );
  return { tokens: [organiser.accessToken, ...others], coalitionId: coalition.id };
}

async function runFanout(label, server, engine, tokens, coalitionId) {
  const n = tokens.length;
  const runId = `${label}${Date.now().toString(36)}`;
  const tag = `#bench|${runId}|`;

  const connecting = progress(`${label}: sockets connected`, n);
  const sockets = await pool(tokens, 20, async (token) => {
    const socket = await connectSocket(server.url, token);
    connecting.tick();
    return socket;
  });
  let disconnects = 0;
  let closing = false;
  for (const socket of sockets) {
    socket.on('disconnect', (reason) => {
      if (closing) return;
      disconnects++;
      log(`${label}: a socket disconnected (${reason})`);
    });
  }

  // Delivery bookkeeping: per phase, how many sockets got comment k; latency of measured ones.
  const phases = {
    w: { total: Math.round(RATE * WARMUP), counts: null },
    m: { total: Math.round(RATE * SECONDS), counts: null },
  };
  for (const phase of Object.values(phases)) phase.counts = new Uint32Array(phase.total + 1);
  const latencies = new Samples(Math.min(phases.m.total * n, 1 << 24));
  let stray = 0;
  let lastMeasuredDelivery = 0;
  const onComment = (comment) => {
    const now = performance.now();
    const body = comment?.body;
    if (typeof body !== 'string' || !body.startsWith(tag)) {
      stray++;
      return;
    }
    const parts = body.slice(tag.length).split('|', 3);
    const phase = phases[parts[0]];
    const k = Number(parts[1]);
    if (!phase || !(k < phase.counts.length)) {
      stray++;
      return;
    }
    phase.counts[k]++;
    if (parts[0] === 'm') {
      latencies.push(now - Number(parts[2]));
      lastMeasuredDelivery = now;
    }
  };
  for (const socket of sockets) socket.on('comment:created', onComment);

  const joining = progress(`${label}: sockets joined the room`, n);
  await pool(sockets, 10, async (socket) => {
    await emitOk(socket, 'room:join', { coalitionId });
    joining.tick();
  });
  await sleep(2000); // let the presence broadcasts of the joins settle

  const send = (phaseKey, seconds, onProgress) => {
    const phase = phases[phaseKey];
    const acked = new Uint8Array(phase.total + 1);
    const ackLatencies = new Samples(phase.total + 1);
    const errors = {};
    let sent = 0;
    let answered = 0;
    const t0 = performance.now();
    let lastProgress = t0;
    return new Promise((resolve) => {
      const finishIfDone = () => {
        if (sent >= phase.total && answered >= sent) {
          resolve({ acked, ackLatencies, errors, sent, sendSeconds: (sendEnd - t0) / 1000 });
        }
      };
      let sendEnd = t0;
      const sendOne = (k) => {
        const socket = sockets[k % n];
        const sentAt = performance.now();
        const body = `${tag}${phaseKey}|${k}|${sentAt.toFixed(3)}|${FILLER}`;
        socket
          .timeout(ACK_TIMEOUT_MS)
          .emit(
            'comment:create',
            { coalitionId, body, clientMsgId: `${runId}-${phaseKey}-${k}` },
            (err, reply) => {
              answered++;
              if (err) errors.ACK_TIMEOUT = (errors.ACK_TIMEOUT ?? 0) + 1;
              else if (reply?.ok) {
                acked[k] = 1;
                ackLatencies.push(performance.now() - sentAt);
              } else {
                const code = reply?.error?.code ?? 'BAD_ACK';
                errors[code] = (errors[code] ?? 0) + 1;
              }
              finishIfDone();
            },
          );
      };
      const timer = setInterval(() => {
        const now = performance.now();
        const due = Math.min(phase.total, Math.floor(((now - t0) * RATE) / 1000));
        while (sent < due) sendOne(sent++);
        if (onProgress && now - lastProgress >= 5000) {
          lastProgress = now;
          onProgress(sent, answered);
        }
        if (sent >= phase.total) {
          clearInterval(timer);
          sendEnd = performance.now();
          finishIfDone();
        }
      }, 2);
    });
  };

  /** Waits until every socket got every acked comment of the phase, or the drain timeout. */
  const drain = async (phaseKey, acked) => {
    const { counts } = phases[phaseKey];
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    for (;;) {
      let missing = 0;
      for (let k = 0; k < acked.length; k++)
        if (acked[k] && counts[k] < n) missing += n - counts[k];
      if (missing === 0 || performance.now() > deadline) return missing;
      await sleep(20);
    }
  };

  if (phases.w.total > 0) {
    log(`${label}: warm-up, ${WARMUP} s at ${RATE}/s`);
    const warm = await send('w');
    const missing = await drain('w', warm.acked);
    const warmAcked = warm.acked.reduce((a, b) => a + b, 0);
    log(
      `${label}: warm-up: ${warmAcked}/${warm.sent} acked${Object.keys(warm.errors).length ? `, errors ${JSON.stringify(warm.errors)}` : ''}${missing ? `, ${missing} deliveries missing` : ''}`,
    );
    await sleep(1000);
  }

  const quietBefore = await checkQuiet(label, server.pid, engine.pid);
  log(`${label}: measuring, ${SECONDS} s at ${RATE}/s`);
  const before = cpuSnapshot(server.pid, engine.pid);
  let lastSnap = before;
  let lastDelivered = 0;
  const measured = await send('m', SECONDS, (sent, answered) => {
    const snap = cpuSnapshot(server.pid, engine.pid);
    const d = cpuDelta(lastSnap, snap);
    const delivered = latencies.length;
    log(
      `${label}: ${sent} sent, ${answered} answered, ${delivered} delivered (${Math.round(((delivered - lastDelivered) * 1000) / d.wallMs)}/s), server CPU ${((d.serverUs / (d.wallMs * 1000)) * 100).toFixed(0)}%, engine CPU ${((d.engineUs / (d.wallMs * 1000)) * 100).toFixed(0)}%, load generator CPU ${((d.loadUs / (d.wallMs * 1000)) * 100).toFixed(0)}%, other ${((d.otherUs / (d.wallMs * 1000)) * 100).toFixed(0)}%`,
    );
    lastSnap = snap;
    lastDelivered = delivered;
  });
  const missing = await drain('m', measured.acked);
  const after = cpuSnapshot(server.pid, engine.pid);
  const cpu = cpuDelta(before, after);
  // The window ends at the last delivery (the drain loop's polling is not counted as wall time).
  const windowMs =
    lastMeasuredDelivery > before.at
      ? Math.min(cpu.wallMs, lastMeasuredDelivery - before.at)
      : cpu.wallMs;

  let ackedCount = 0;
  let delivered = 0;
  let duplicates = 0;
  let unackedDeliveries = 0;
  const { counts } = phases.m;
  for (let k = 0; k < phases.m.total; k++) {
    if (measured.acked[k]) {
      ackedCount++;
      delivered += Math.min(counts[k], n);
      duplicates += Math.max(0, counts[k] - n);
    } else unackedDeliveries += counts[k];
  }
  const expected = ackedCount * n;
  const lat = latencies.sorted();
  const ack = measured.ackLatencies.sorted();

  closing = true;
  for (const socket of sockets) socket.close();
  const perDelivery = (us) => (delivered ? round(us / delivered, 3) : null);
  const perComment = (us) => (ackedCount ? round(us / ackedCount, 1) : null);
  const result = {
    clients: n,
    rate: RATE,
    seconds: SECONDS,
    commentsSent: measured.sent,
    commentsAcked: ackedCount,
    ackErrors: measured.errors,
    sendRatePerSec: round(measured.sent / measured.sendSeconds, 1),
    deliveriesExpected: expected,
    deliveries: delivered,
    deliveriesMissing: missing,
    duplicateDeliveries: duplicates,
    unackedDeliveries,
    strayEvents: stray,
    disconnects,
    deliveryRatio: expected ? round(delivered / expected, 6) : 0,
    latencyMs: {
      p50: round(percentile(lat, 50)),
      p95: round(percentile(lat, 95)),
      p99: round(percentile(lat, 99)),
      max: round(lat[lat.length - 1]),
    },
    ackLatencyMs: {
      p50: round(percentile(ack, 50)),
      p99: round(percentile(ack, 99)),
      max: round(ack[ack.length - 1]),
    },
    windowSeconds: round(windowMs / 1000, 3),
    deliveriesPerSec: round((latencies.length * 1000) / windowMs, 0),
    serverCpuUs: Math.round(cpu.serverUs),
    serverCpuPct: round((cpu.serverUs / (windowMs * 1000)) * 100, 1),
    serverCpuUsPerDelivery: perDelivery(cpu.serverUs),
    serverCpuUsPerComment: perComment(cpu.serverUs),
    engineCpuUs: Math.round(cpu.engineUs),
    engineCpuPct: round((cpu.engineUs / (windowMs * 1000)) * 100, 1),
    engineCpuUsPerDelivery: perDelivery(cpu.engineUs),
    engineCpuUsPerComment: perComment(cpu.engineUs),
    loadGeneratorCpuPct: round((cpu.loadUs / (windowMs * 1000)) * 100, 1),
    otherCpuPct: round((cpu.otherUs / (windowMs * 1000)) * 100, 1),
    beforeMeasuringPct: {
      server: round(quietBefore.serverPct, 1),
      engine: round(quietBefore.enginePct, 1),
      other: round(quietBefore.otherPct, 1),
    },
  };
  log(
    `${label}: done — ${ackedCount}/${measured.sent} acked, ${delivered}/${expected} delivered, p99 ${result.latencyMs.p99} ms, server ${result.serverCpuUsPerDelivery} µs/delivery`,
  );
  if (result.loadGeneratorCpuPct > 90) {
    log(
      `WARNING: the load generator used ${result.loadGeneratorCpuPct}% of its CPU: latencies include client-side queueing`,
    );
  }
  await sleep(500);
  return result;
}

function report(results, pinning) {
  const { accord, baseline } = results;
  const labels = Object.keys(results);
  const cell = (fn) => labels.map((l) => fn(results[l]));
  const comparable = accord && baseline && accord.deliveries > 0 && baseline.deliveries > 0;
  // Without a single Accord delivery there is no per-delivery figure: the ratio is infinite.
  const cpuRatio = !(accord && baseline)
    ? undefined
    : comparable
      ? accord.serverCpuUsPerDelivery / baseline.serverCpuUsPerDelivery
      : Infinity;
  const totalRatio = !(accord && baseline)
    ? undefined
    : comparable
      ? (accord.serverCpuUsPerDelivery + accord.engineCpuUsPerDelivery) /
        (baseline.serverCpuUsPerDelivery + baseline.engineCpuUsPerDelivery)
      : Infinity;
  const fmt = (v) => (v === null || v === undefined ? '—' : v);
  const rows = [
    ['', ...labels],
    ['clients', ...cell((r) => r.clients)],
    ['comments sent / acked', ...cell((r) => `${r.commentsSent} / ${r.commentsAcked}`)],
    ['send rate (/s)', ...cell((r) => r.sendRatePerSec)],
    ['ack errors', ...cell((r) => JSON.stringify(r.ackErrors))],
    ['delivery latency p50 (ms)', ...cell((r) => fmt(r.latencyMs.p50))],
    ['delivery latency p95 (ms)', ...cell((r) => fmt(r.latencyMs.p95))],
    ['delivery latency p99 (ms)', ...cell((r) => fmt(r.latencyMs.p99))],
    ['delivery latency max (ms)', ...cell((r) => fmt(r.latencyMs.max))],
    ['ack latency p50 (ms)', ...cell((r) => fmt(r.ackLatencyMs.p50))],
    ['ack latency p99 (ms)', ...cell((r) => fmt(r.ackLatencyMs.p99))],
    ['deliveries/s', ...cell((r) => r.deliveriesPerSec)],
    ['deliveries / expected', ...cell((r) => `${r.deliveries} / ${r.deliveriesExpected}`)],
    ['delivery ratio', ...cell((r) => `${(r.deliveryRatio * 100).toFixed(4)}%`)],
    ['duplicate deliveries', ...cell((r) => r.duplicateDeliveries)],
    ['server CPU (% of a core)', ...cell((r) => r.serverCpuPct)],
    ['server CPU µs / delivery', ...cell((r) => fmt(r.serverCpuUsPerDelivery))],
    ['server CPU µs / comment', ...cell((r) => fmt(r.serverCpuUsPerComment))],
    ['engine CPU (% of a core)', ...cell((r) => r.engineCpuPct)],
    ['engine CPU µs / delivery', ...cell((r) => fmt(r.engineCpuUsPerDelivery))],
    ['engine CPU µs / comment', ...cell((r) => fmt(r.engineCpuUsPerComment))],
    ['load generator CPU (%)', ...cell((r) => r.loadGeneratorCpuPct)],
    ['other CPU on the machine (%)', ...cell((r) => r.otherCpuPct)],
  ];
  process.stdout.write(
    `\nFan-out: ${CLIENTS} clients, one room, ${RATE} comments/s, ${SECONDS} s${pinning.enabled ? ' (servers+engine on CPU 0, load on CPU 1)' : ` (NOT pinned: ${pinning.reason})`}\n\n`,
  );
  process.stdout.write(`${table(rows)}\n\n`);

  const goals = [];
  if (accord) {
    if (cpuRatio !== undefined) {
      goals.push({
        goal: `Accord server CPU/delivery ≤ ${GOALS.cpuRatioMax} × baseline`,
        value: `${cpuRatio.toFixed(2)} ×`,
        met: cpuRatio <= GOALS.cpuRatioMax,
      });
    }
    goals.push({
      goal: `Accord delivery p99 < ${GOALS.p99MsMax} ms`,
      value: accord.latencyMs.p99 === null ? 'no deliveries' : `${accord.latencyMs.p99} ms`,
      met: accord.latencyMs.p99 !== null && accord.latencyMs.p99 < GOALS.p99MsMax,
    });
    goals.push({
      goal: 'Accord: every comment acked and delivered to every socket (ratio 100%)',
      value: `${accord.commentsAcked}/${accord.commentsSent} acked, ratio ${(accord.deliveryRatio * 100).toFixed(4)}%`,
      met:
        accord.deliveryRatio === GOALS.deliveryRatio &&
        accord.commentsAcked === accord.commentsSent &&
        accord.commentsAcked > 0,
    });
  }
  if (cpuRatio !== undefined) {
    process.stdout.write(
      `Accord / baseline server CPU per delivery: ${cpuRatio.toFixed(2)} ×  (server + engine: ${totalRatio.toFixed(2)} ×)\n\n`,
    );
  }
  if (goals.length) {
    process.stdout.write(
      `${table([['goal', 'value', 'met'], ...goals.map((g) => [g.goal, g.value, g.met ? 'PASS' : 'FAIL'])])}\n\n`,
    );
  }
  const summary = {
    scenario: 'fanout',
    clients: CLIENTS,
    rate: RATE,
    seconds: SECONDS,
    warmupSeconds: WARMUP,
    baselineSeq: process.env.BASELINE_SEQ ?? 'counter',
    pinned: pinning.enabled,
    cpuRatioAccordOverBaseline:
      cpuRatio === undefined ? null : Number.isFinite(cpuRatio) ? round(cpuRatio, 3) : 'Infinity',
    cpuRatioWithEngine:
      totalRatio === undefined
        ? null
        : Number.isFinite(totalRatio)
          ? round(totalRatio, 3)
          : 'Infinity',
    goals: Object.fromEntries(goals.map((g) => [g.goal, g.met])),
    allGoalsMet: goals.every((g) => g.met),
    ...results,
  };
  process.stdout.write(`RESULT ${JSON.stringify(summary)}\n`);
  return goals.every((g) => g.met) ? 0 : 2;
}
