import {
  DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectConnection, MongooseModule } from '@nestjs/mongoose';
import mongoose, { Connection } from 'mongoose';
import { AccordConfig } from '../config/accord-config';
import { ACCORD_LOGGER, type AccordLogger } from '../logging/logger';
import { DatabaseEngine } from './database-engine';
import { DocumentLocks } from './document-lock';

// `$`-operators in input never reach a query, and a filter on an unknown path is an error
// rather than silently matching everything.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

@Global()
@Module({})
class DatabaseEngineModule {
  static register(): DynamicModule {
    return {
      module: DatabaseEngineModule,
      providers: [
        {
          provide: DatabaseEngine,
          inject: [AccordConfig, ACCORD_LOGGER],
          useFactory: (config: AccordConfig, logger: AccordLogger) =>
            DatabaseEngine.open(config, logger),
        },
      ],
      exports: [DatabaseEngine],
    };
  }
}

/** Builds every index before the app serves requests, and stops the engine last on shutdown. */
@Injectable()
export class DatabaseLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    @Inject(DatabaseEngine) private readonly engine: DatabaseEngine,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Unique indexes are rules (duplicate → 409); they must exist before the first write.
    await Promise.all(Object.values(this.connection.models).map((model) => model.init()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
    await this.engine.close();
  }

  async ping(): Promise<boolean> {
    try {
      const db = this.connection.db;
      if (!db) return false;
      await db.admin().command({ ping: 1 });
      return true;
    } catch {
      return false;
    }
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        DatabaseEngineModule.register(),
        MongooseModule.forRootAsync({
          inject: [DatabaseEngine, AccordConfig],
          useFactory: (engine: DatabaseEngine, config: AccordConfig) => ({
            uri: engine.uri,
            dbName: config.mongodbUri ? undefined : 'accord',
            serverSelectionTimeoutMS: 10_000,
            autoIndex: true,
          }),
        }),
      ],
      providers: [DatabaseLifecycle, DocumentLocks],
      exports: [DatabaseLifecycle, DocumentLocks],
    };
  }
}
