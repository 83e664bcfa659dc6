import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { Config } from './config';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // On SIGTERM, lets the queue finish the handlers it runs (WebhooksModule.onApplicationShutdown).
  app.enableShutdownHooks();
  const { port, host } = app.get(Config);
  await app.listen(port, host);
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()}`);
}

void bootstrap();
