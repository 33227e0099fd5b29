import { DynamicModule, Global, Module } from '@nestjs/common';
import { AccordConfig } from './accord-config';

/** Makes the validated AccordConfig injectable everywhere (the class is the token). */
@Global()
@Module({})
export class AccordConfigModule {
  static forRoot(config: AccordConfig): DynamicModule {
    return {
      module: AccordConfigModule,
      providers: [{ provide: AccordConfig, useValue: config }],
      exports: [AccordConfig],
    };
  }
}
