import { AccordConfig } from '../config/accord-config';
import type { AccordLogger } from '../logging/logger';
import { EmbeddedEngine } from './embedded-engine';

/**
 * Where the data lives: the MONGODB_URI of production, or an embedded FerretDB that Accord
 * starts and stops itself.
 */
export class DatabaseEngine {
  private constructor(
    readonly uri: string,
    readonly embedded?: EmbeddedEngine,
  ) {}

  get kind(): 'external' | 'embedded' {
    return this.embedded ? 'embedded' : 'external';
  }

  static async open(config: AccordConfig, logger?: AccordLogger): Promise<DatabaseEngine> {
    if (config.mongodbUri) return new DatabaseEngine(config.mongodbUri);
    const engine = await EmbeddedEngine.start({
      dataDir: config.dataDir,
      binary: config.ferretdbBin,
      log: (message) => logger?.info(message),
    });
    return new DatabaseEngine(engine.uri, engine);
  }

  async close(): Promise<void> {
    await this.embedded?.stop();
  }
}
