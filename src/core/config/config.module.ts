import { DynamicModule, Global, Inject, Module } from '@nestjs/common';
import type { HangarConfig } from './config';

export const HANGAR_CONFIG = Symbol('HANGAR_CONFIG');

/** Injects the validated configuration: `constructor(@InjectConfig() config: HangarConfig)`. */
export const InjectConfig = (): ParameterDecorator => Inject(HANGAR_CONFIG);

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: HangarConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: HANGAR_CONFIG, useValue: config }],
      exports: [HANGAR_CONFIG],
    };
  }
}
