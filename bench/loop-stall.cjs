// Preloaded into the API process by bench/export.mjs (node --require): watches the event loop's
// delay and, on SIGUSR2, writes the figures since the previous SIGUSR2 to LOOP_STALL_FILE.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.on('SIGUSR2', () => {
  const figures = {
    maxMs: histogram.max / 1e6,
    p99Ms: histogram.percentile(99) / 1e6,
    meanMs: histogram.mean / 1e6,
  };
  histogram.reset();
  if (process.env.LOOP_STALL_FILE) writeFileSync(process.env.LOOP_STALL_FILE, JSON.stringify(figures));
});
