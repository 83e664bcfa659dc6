import { Global, Module } from '@nestjs/common';
import { Config, loadConfig } from './config';

/** Provides the {@link Config}, read from the environment once, to every module. */
@Global()
@Module({
  providers: [{ provide: Config, useFactory: () => loadConfig(process.env) }],
  exports: [Config],
})
export class ConfigModule {}
