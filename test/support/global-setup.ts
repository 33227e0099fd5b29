import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEngine } from '../../libs/core/src/database/embedded-engine';

declare global {
  var __ACCORD_TEST_ENGINE__: EmbeddedEngine | undefined;
  var __ACCORD_TEST_ENGINE_DIR__: string | undefined;
}

/** One real FerretDB for the whole e2e run; every test file gets databases of its own on it. */
export default async function globalSetup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-test-engine-'));
  const engine = await EmbeddedEngine.start({ dataDir });
  globalThis.__ACCORD_TEST_ENGINE__ = engine;
  globalThis.__ACCORD_TEST_ENGINE_DIR__ = dataDir;
  process.env.ACCORD_TEST_ENGINE_URI = `mongodb://127.0.0.1:${engine.port}`;
}
