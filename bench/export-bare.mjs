#!/usr/bin/env node
// The baseline of bench/export.mjs: the same renderers (the built ones in dist/) called from a
// bare script, on the same 500-action plan, with no server. Prints one JSON line:
//   node bench/export-bare.mjs pdf 7 500   →   {"format":"pdf","timesMs":[…],"peakRssMb":…,"maxStallMs":…}
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ROOT } from './lib.mjs';

const require = createRequire(import.meta.url);
const RENDER = join(ROOT, 'dist/apps/api/libs/exports/src/render');
const [format = 'pdf', runsArg = '7', actionsArg = '500'] = process.argv.slice(2);
const { samplePlanReport } = require(join(RENDER, 'sample-report.js'));
const renderers = {
  pdf: () => require(join(RENDER, 'pdf.js')).renderPdf,
  docx: () => require(join(RENDER, 'docx.js')).renderDocx,
  xlsx: () => require(join(RENDER, 'xlsx.js')).renderXlsx,
};
if (!renderers[format]) {
  process.stderr.write(`format must be one of ${Object.keys(renderers).join(', ')}\n`);
  process.exit(1);
}
const render = renderers[format]();
const report = samplePlanReport({ actions: Number(actionsArg) });

await render(report); // warm-up: fonts read, code compiled
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const timesMs = [];
let bytes = 0;
for (let i = 0; i < Number(runsArg); i++) {
  const started = performance.now();
  bytes = (await render(report)).length;
  timesMs.push(performance.now() - started);
  await new Promise((r) => setTimeout(r, 20));
}
histogram.disable();
const status = readFileSync('/proc/self/status', 'utf8');
const peakRssMb = Number(/^VmHWM:\s+(\d+)/m.exec(status)[1]) / 1024;
process.stdout.write(
  JSON.stringify({ format, timesMs, bytes, peakRssMb, maxStallMs: histogram.max / 1e6 }) + '\n',
);
