#!/usr/bin/env node
// Co-editing baseline for bench/coedit.mjs: a stock @hocuspocus/server 4.x with in-memory
// persistence, configured the way its documentation shows (onLoadDocument / onStoreDocument, the
// default store debounce). No authentication, no checks of incoming updates: the bare cost of
// relaying and keeping a Yjs document with a store hook, as a reference for Accord.
//
// Started by coedit.mjs (pinned to CPU 0); not meant to be run by hand:
//   PORT=1234 HOST=127.0.0.1 node bench/baseline-hocuspocus.mjs
//
// Environment:
//   PORT, HOST            where to listen
//   DEBOUNCE_MS           Hocuspocus `debounce` of onStoreDocument (default: Hocuspocus' 2000)
//   MAX_DEBOUNCE_MS       Hocuspocus `maxDebounce` (default: Hocuspocus' 10000)
//
// Persistence is a Map (document name → Y.encodeStateAsUpdate of the whole document), as the
// database extension stores it. After each store, the document's connections get a stateless
// message `{"stored":{"<yjs client id>":<clock>,…}}`: the state vector that store covered. Every
// edit below those clocks is persisted; the benchmark's clients time their own edits with it (the
// nearest equivalent of Accord's "ack after the update is stored").
//
// HTTP: GET /api/health → {status:'ok'}; GET /stats → {stores, storeMs, storedBytes, documents}.
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';

const PORT = Number(process.env.PORT ?? 1234);
const HOST = process.env.HOST ?? '127.0.0.1';
const debounce = process.env.DEBOUNCE_MS ? Number(process.env.DEBOUNCE_MS) : undefined;
const maxDebounce = process.env.MAX_DEBOUNCE_MS ? Number(process.env.MAX_DEBOUNCE_MS) : undefined;

/** The "database": document name → its full state as one Yjs update. */
const store = new Map();
const stats = { stores: 0, storeMs: 0, storedBytes: 0 };

const server = new Server({
  port: PORT,
  address: HOST,
  quiet: true,
  // Shut down on SIGTERM/SIGINT (flushes pending stores first).
  stopOnSignals: true,
  ...(debounce === undefined ? {} : { debounce }),
  ...(maxDebounce === undefined ? {} : { maxDebounce }),

  async onRequest({ request, response }) {
    const path = (request.url ?? '').split('?')[0];
    if (path === '/api/health' || path === '/stats') {
      const body =
        path === '/api/health'
          ? { status: 'ok' }
          : { ...stats, storeMs: Number(stats.storeMs.toFixed(3)), documents: store.size };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
      // An empty rejection stops Hocuspocus' default answer ("Welcome to Hocuspocus!").
      throw null;
    }
  },

  async onLoadDocument({ document, documentName }) {
    const state = store.get(documentName);
    if (state) Y.applyUpdate(document, state);
    return document;
  },

  async onStoreDocument({ document, documentName }) {
    const t0 = performance.now();
    // Both taken in the same tick: the state vector is exactly what this store covers.
    const state = Y.encodeStateAsUpdate(document);
    const covered = Y.decodeStateVector(Y.encodeStateVector(document));
    store.set(documentName, state);
    stats.stores++;
    stats.storeMs += performance.now() - t0;
    stats.storedBytes = state.byteLength;
    document.broadcastStateless(JSON.stringify({ stored: Object.fromEntries(covered) }));
  },
});

await server.listen();
process.stderr.write(`hocuspocus baseline listening on ${HOST}:${server.address.port}\n`);
