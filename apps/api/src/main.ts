import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import {
  type AccordLogger,
  ConfigError,
  createLogger,
  EngineNotFoundError,
  EngineStartError,
  loadConfig,
} from '@accord/core';
import { createAccordApp } from './create-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  try {
    const { app } = await createAccordApp(config, logger);
    closeOnSignals(app, logger);
    await app.listen(config.port, config.host);
    const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
    logger.info(
      { url, engine: config.mongodbUri ? 'MONGODB_URI' : 'embedded FerretDB' },
      `Accord is listening on ${url}/api (docs at ${url}/api/docs)`,
    );
  } catch (error) {
    if (error instanceof EngineNotFoundError || error instanceof EngineStartError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'Accord failed to start');
    process.exit(1);
  }
}

/** SIGTERM / SIGINT: finish the shutdown hooks (database, embedded engine), then exit 0. */
function closeOnSignals(app: INestApplication, logger: AccordLogger): void {
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      logger.info({ signal }, 'Shutting down');
      setTimeout(() => {
        logger.error('Shutdown took longer than 20 s; exiting anyway');
        process.exit(1);
      }, 20_000).unref();
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'Error while shutting down');
          process.exit(1);
        },
      );
    });
  }
}

void main();
