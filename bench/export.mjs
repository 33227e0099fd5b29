#!/usr/bin/env node
// Export benchmark: a plan of ACTIONS (500) actions, in four scripts, exported to PDF and to DOCX
// RUNS times each through the BUILT API (renderers in its worker threads) and, side by side, by
// the same renderers called from a bare script (bench/export-bare.mjs). Figures: median time,
// peak memory (VmHWM), and the longest event-loop stall — in the API process during the exports
// (measured inside it by bench/loop-stall.cjs) and in the bare script (which blocks for the
// whole render). While the API exports, a probe asks /api/health every 10 ms: its slowest answer
// is what a live room would feel.
//
//   npm run build && npm run bench:export
//   RUNS=11 ACTIONS=1000 npm run bench:export
//
// Not pinned (BENCH_NO_PIN=1 by default here): the render worker is meant to use the second core.
// Exit code: 0 all goals met, 2 a goal missed (figures still printed), 1 the benchmark failed.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  api,
  BenchError,
  log,
  median,
  option,
  PASSWORD,
  percentile,
  ROOT,
  round,
  runMain,
  sleep,
  startAccord,
  startFerretDb,
  table,
  tempDir,
} from './lib.mjs';

process.env.BENCH_NO_PIN ??= '1';
const RUNS = option('runs', 7);
const ACTIONS = option('actions', 500);
const FORMATS = ['pdf', 'docx'];
const GOALS = { medianMs: 1000, stallMs: 50 };
const require = createRequire(import.meta.url);
const RENDER = join(ROOT, 'dist/apps/api/libs/exports/src/render');

function bare(format) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bench/export-bare.mjs'), format, String(RUNS), String(ACTIONS)],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new BenchError(`the bare ${format} script failed: ${stderr || error.message}`))
          : resolve(JSON.parse(stdout)),
    );
  });
}

function peakRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+)/m.exec(status)[1]) / 1024;
}

/** Resets the process's peak RSS (Linux: clear_refs 5), so each format has its own peak. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function loopStall(pid, file) {
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 50; i++) {
    await sleep(20);
    try {
      const figures = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, '');
      return figures;
    } catch {
      // not written yet
    }
  }
  throw new BenchError('the API did not report its event-loop figures (bench/loop-stall.cjs)');
}

/** A coalition of five organisations (one person each) with the 500-action plan imported. */
async function seedPlan(url) {
  const { samplePlanReport } = require(join(RENDER, 'sample-report.js'));
  const { toPlanExportDocument } = require(join(RENDER, 'json.js'));
  const report = samplePlanReport({ actions: ACTIONS });
  const tag = Math.random().toString(36).slice(2, 8);
  const people = [];
  for (const organisation of Object.values(report.organisations)) {
    const auth = await api(url, 'POST', '/auth/register', {
      body: { email: `export-${tag}-${people.length}@bench.example`, password: PASSWORD, displayName: 'Bench' },
    });
    const created = await api(url, 'POST', '/organisations', {
      token: auth.accessToken,
      body: { name: `${organisation.name} ${tag}`, stakeholderType: organisation.stakeholderType, country: organisation.country },
    });
    people.push({ token: auth.accessToken, email: `export-${tag}-${people.length}@bench.example`, from: organisation.id, organisation: created });
  }
  const recommendations = await Promise.all(
    ['WP1515-49', 'WP1515-55'].map((code) =>
      api(url, 'GET', `/recommendations/${code}`, { token: people[0].token }),
    ),
  );
  const [organiser, ...others] = people;
  const coalition = await api(url, 'POST', '/coalitions', {
    token: organiser.token,
    body: {
      name: `Export bench ${tag}`,
      purpose: 'Benchmark',
      visibility: 'private',
      recommendationIds: recommendations.map((r) => r.id),
      organisationId: organiser.organisation.id,
    },
  });
  for (const person of others) {
    const invitation = await api(url, 'POST', `/coalitions/${coalition.id}/invitations`, {
      token: organiser.token,
      body: { email: person.email, role: 'member', organisationId: person.organisation.id },
    });
    await api(url, 'POST', `/invitations/${invitation.token}/accept`, { token: person.token, body: {} });
  }
  const document = toPlanExportDocument(report);
  const ids = new Map(people.map((p) => [p.from, p.organisation.id]));
  const text = JSON.stringify({
    ...document,
    content: {
      ...document.content,
      recommendations: recommendations.map((r) => ({ id: r.id, code: r.code })),
    },
    organisations: people.map((p) => ({ id: p.organisation.id, name: p.organisation.name })),
  }).replace(/"(64b0{20}\d)"/g, (match, id) => `"${ids.get(id) ?? id}"`);
  const plan = await api(url, 'POST', `/coalitions/${coalition.id}/action-plans/import`, {
    token: organiser.token,
    body: JSON.parse(text),
    timeoutMs: 120_000,
  });
  log(`plan of ${plan.imported.actions} actions imported (${Math.round(text.length / 1024)} KB of JSON)`);
  return { token: organiser.token, planId: plan.id, importBytes: text.length };
}

async function exportOnce(url, token, planId, format) {
  const started = performance.now();
  const response = await fetch(`${url}/api/action-plans/${planId}/export?format=${format}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(120_000),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200) {
    throw new BenchError(`export ${format} answered ${response.status}: ${Buffer.from(body).toString().slice(0, 300)}`);
  }
  return { ms: performance.now() - started, bytes: body.length };
}

/** Asks /api/health every 10 ms until stopped; returns the answer times. */
function healthProbe(url) {
  const times = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      await fetch(`${url}/api/health`).then((r) => r.arrayBuffer());
      times.push(performance.now() - started);
      await sleep(10);
    }
  })();
  return async () => {
    running = false;
    await done;
    return times.sort((a, b) => a - b);
  };
}

async function main() {
  log(`export benchmark: ${ACTIONS} actions, ${RUNS} runs per format`);
  const bareFigures = {};
  for (const format of FORMATS) {
    log(`bare script: ${format}…`);
    bareFigures[format] = await bare(format);
  }

  const engine = await startFerretDb();
  const stallFile = join(tempDir('loop-stall'), 'figures.json');
  process.env.LOOP_STALL_FILE = stallFile;
  process.env.ACCORD_NODE_ARGS = `${process.env.ACCORD_NODE_ARGS ?? ''} --require ${join(ROOT, 'bench/loop-stall.cjs')}`;
  const server = await startAccord(engine.uri);
  await loopStall(server.pid, stallFile);
  const importStarted = performance.now();
  const { token, planId, importBytes } = await seedPlan(server.url);
  const importMs = performance.now() - importStarted;
  const importStall = await loopStall(server.pid, stallFile);

  const apiFigures = {};
  for (const format of FORMATS) {
    log(`API: ${format}…`);
    await exportOnce(server.url, token, planId, format); // warm-up: the worker starts, fonts load
    const peakReset = resetPeak(server.pid);
    await loopStall(server.pid, stallFile);
    const stopProbe = healthProbe(server.url);
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      runs.push(await exportOnce(server.url, token, planId, format));
      await sleep(20);
    }
    const health = await stopProbe();
    const stall = await loopStall(server.pid, stallFile);
    apiFigures[format] = {
      timesMs: runs.map((r) => r.ms),
      bytes: runs[0].bytes,
      peakRssMb: peakReset ? peakRssMb(server.pid) : null,
      maxStallMs: stall.maxMs,
      healthP99Ms: percentile(health, 99),
      healthMaxMs: health[health.length - 1],
      healthSamples: health.length,
    };
  }

  // The same export as Markdown (rendered in a few ms): what the API adds around any renderer.
  const mdTimes = [];
  await exportOnce(server.url, token, planId, 'md');
  for (let i = 0; i < RUNS; i++) mdTimes.push((await exportOnce(server.url, token, planId, 'md')).ms);

  const rows = [['', ...FORMATS.flatMap((f) => [`${f} API`, `${f} bare`])]];
  const cell = (f, pick) => [pick(apiFigures[f]), pick(bareFigures[f])];
  rows.push(['median time (ms)', ...FORMATS.flatMap((f) => cell(f, (x) => round(median(x.timesMs), 1)))]);
  rows.push(['fastest / slowest (ms)', ...FORMATS.flatMap((f) => cell(f, (x) => `${round(Math.min(...x.timesMs), 0)} / ${round(Math.max(...x.timesMs), 0)}`))]);
  rows.push(['file size (KB)', ...FORMATS.flatMap((f) => cell(f, (x) => round(x.bytes / 1024, 0)))]);
  rows.push(['peak memory (MB, VmHWM)', ...FORMATS.flatMap((f) => cell(f, (x) => (x.peakRssMb === null ? 'n/a' : round(x.peakRssMb, 0))))]);
  rows.push(['longest event-loop stall (ms)', ...FORMATS.flatMap((f) => cell(f, (x) => round(x.maxStallMs, 1)))]);
  rows.push(['/api/health p99 / max during exports (ms)', ...FORMATS.flatMap((f) => [`${round(apiFigures[f].healthP99Ms, 1)} / ${round(apiFigures[f].healthMaxMs, 1)}`, '—'])]);
  console.log(`\nExport of a ${ACTIONS}-action plan, ${RUNS} runs each (API: through HTTP, rendered in the worker; bare: the same renderers in a script)\n`);
  console.log(table(rows));
  console.log(
    `\nThe API's own part (the same plan exported as Markdown, which renders in a few ms: access checks, the plan, coalition, recommendations and endorsements read, the worker round trip, the audit entry, the response): median ${round(median(mdTimes), 1)} ms`,
  );
  console.log(
    `Setting up (registrations, coalition, then the import of the plan's ${Math.round(importBytes / 1024)} KB JSON export): ${round(importMs / 1000, 1)} s; longest API event-loop stall meanwhile ${round(importStall.maxMs, 1)} ms`,
  );

  const missed = [];
  for (const f of FORMATS) {
    if (median(apiFigures[f].timesMs) >= GOALS.medianMs) missed.push(`${f} API median ≥ ${GOALS.medianMs} ms`);
    if (median(bareFigures[f].timesMs) >= GOALS.medianMs) missed.push(`${f} bare median ≥ ${GOALS.medianMs} ms`);
    if (apiFigures[f].maxStallMs >= GOALS.stallMs) missed.push(`${f} API event-loop stall ≥ ${GOALS.stallMs} ms`);
  }
  console.log(`\nGoals: median < ${GOALS.medianMs} ms per format, API event-loop stall < ${GOALS.stallMs} ms: ${missed.length ? `MISSED (${missed.join('; ')})` : 'met'}`);
  console.log(`RESULT ${JSON.stringify({ actions: ACTIONS, runs: RUNS, api: apiFigures, bare: bareFigures, setup: { importBytes, ms: importMs, maxStallMs: importStall.maxMs }, mdTimesMs: mdTimes, goals: GOALS, missed })}`);
  return missed.length ? 2 : 0;
}

runMain(main);
