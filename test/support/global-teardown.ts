import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__ACCORD_TEST_ENGINE__?.stop();
  if (globalThis.__ACCORD_TEST_ENGINE_DIR__) {
    rmSync(globalThis.__ACCORD_TEST_ENGINE_DIR__, { recursive: true, force: true });
  }
}
