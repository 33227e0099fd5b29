import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@accord/auth';
import {
  ACCORD_LOGGER,
  AccordConfig,
  AccordConfigModule,
  type AccordLogger,
  DatabaseModule,
  DomainEventsModule,
  SharedCacheModule,
  HealthModule,
  HttpExceptionFilter,
} from '@accord/core';
import { OrganisationsModule } from '@accord/organisations';
import { AuditModule } from '@accord/audit';
import { RecommendationsModule } from '@accord/recommendations';
import { CoalitionsModule } from '@accord/coalitions';
import { RoomsModule } from '@accord/rooms';
import { ActionPlansModule } from '@accord/action-plans';
import { ExportsModule } from '@accord/exports';

@Module({})
export class AppModule {
  static forRoot(config: AccordConfig, logger: AccordLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AccordConfigModule.forRoot(config),
        LoggerModule.forRoot(logger),
        DatabaseModule.forRoot(),
        DomainEventsModule,
        SharedCacheModule,
        HealthModule,
        AuthModule,
        AuditModule,
        OrganisationsModule,
        RecommendationsModule,
        CoalitionsModule,
        RoomsModule,
        ActionPlansModule,
        ExportsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}

@Module({})
class LoggerModule {
  static forRoot(logger: AccordLogger): DynamicModule {
    return {
      module: LoggerModule,
      global: true,
      providers: [{ provide: ACCORD_LOGGER, useValue: logger }],
      exports: [ACCORD_LOGGER],
    };
  }
}
