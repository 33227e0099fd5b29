import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AccordClient } from '@accord/client';
import { AccordConfig, parseConfig } from '@accord/core';
import { createAccordApp } from '../../apps/api/src/create-app';

export interface TestApp {
  app: INestApplication;
  config: AccordConfig;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** The database this app uses on the shared test engine. */
  mongodbUri: string;
  client(accessToken?: string): AccordClient;
  close(): Promise<void>;
}

export function engineUri(): string {
  const uri = process.env.ACCORD_TEST_ENGINE_URI;
  if (!uri)
    throw new Error(
      'ACCORD_TEST_ENGINE_URI is not set: run e2e tests through jest (its globalSetup starts the engine)',
    );
  return uri;
}

/** A database name of its own, so test files never see each other's data. */
export function freshDatabaseUri(prefix = 'accord_test'): string {
  return `${engineUri()}/${prefix}_${randomBytes(6).toString('hex')}`;
}

/**
 * Starts Accord on port 0 against the shared real engine, with a fresh database.
 * One app at a time per test file: passport keeps its `jwt` and `local` strategies per process,
 * so the most recently started app's strategies answer for every app of the process.
 * `env` overrides configuration variables (e.g. LOGIN_MAX_FAILURES_PER_ACCOUNT).
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const mongodbUri = env.MONGODB_URI ?? freshDatabaseUri();
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.ACCORD_TEST_LOG_LEVEL ?? 'silent',
    TRUST_PROXY: 'loopback',
    JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
    JWT_REFRESH_SECRET: randomBytes(32).toString('hex'),
    AUDIT_SECRET: randomBytes(32).toString('hex'),
    // A web client built elsewhere (`vite build --outDir …`); unset means dist/web.
    WEB_CLIENT_DIR: process.env.WEB_CLIENT_DIR ?? '',
    ...env,
    MONGODB_URI: mongodbUri,
  });
  const { app } = await createAccordApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    config,
    baseUrl,
    mongodbUri,
    client: (accessToken?: string) => new AccordClient({ baseUrl, accessToken }),
    close: () => app.close(),
  };
}
