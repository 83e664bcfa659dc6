import { type MiddlewareConsumer, Module, type NestModule, type OnApplicationShutdown } from '@nestjs/common';
import { createProcessor, MemoryQueue } from 'acadle-webhooks';
import { createExpressMiddleware } from 'acadle-webhooks/express';
import { Config, MAX_BODY_BYTES } from '../config';
import { AcadleEventsService } from './acadle-events.service';

/**
 * Receives Acadle webhooks at `/webhooks/acadle/<token>` (or `?token=<token>`): answers 200 once a
 * delivery is in the queue, then runs {@link AcadleEventsService}'s handlers in the background.
 */
@Module({
  providers: [
    AcadleEventsService,
    {
      provide: MemoryQueue,
      inject: [AcadleEventsService],
      useFactory: (events: AcadleEventsService) =>
        new MemoryQueue({
          processor: createProcessor({ handlers: events.handlers, onEvent: (event) => events.onEvent(event) }),
        }),
    },
  ],
  exports: [MemoryQueue],
})
export class WebhooksModule implements NestModule, OnApplicationShutdown {
  constructor(
    private readonly config: Config,
    private readonly queue: MemoryQueue,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(
        createExpressMiddleware({
          queue: this.queue,
          auth: { tokens: [this.config.webhookToken] },
          maxBodyBytes: MAX_BODY_BYTES,
        }),
      )
      .forRoutes('webhooks/acadle{/*token}');
  }

  /** Lets the handlers running when the app stops finish (`app.enableShutdownHooks()` in main.ts). */
  onApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}
