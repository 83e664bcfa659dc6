import { appendFileSync } from 'node:fs';
import { Injectable, Logger } from '@nestjs/common';
import type { EventHandlers, KnownEvent } from 'acadle-webhooks';
import { Config } from '../config';

/** What the app does with each Acadle event, in the background, once the delivery is acknowledged. */
@Injectable()
export class AcadleEventsService {
  readonly #logger = new Logger(AcadleEventsService.name);

  constructor(private readonly config: Config) {}

  /** One handler per event type, each given the event narrowed to its type; throwing retries it. */
  readonly handlers: EventHandlers = {
    user_registered: (event) => this.#logger.log(`${event.data.user.email} registered`),
    user_course_completed: (event) => this.#logger.log(`${event.data.user.email} completed ${event.data.course.name}`),
  };

  /** Runs for every documented event, after its handler (if any). */
  onEvent(event: KnownEvent): void {
    if (this.config.handledIdsFile) appendFileSync(this.config.handledIdsFile, `${event.id}\n`);
  }
}
