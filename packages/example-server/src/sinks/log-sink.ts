import type { Logger } from 'pino';
import type { Action, Sink } from './sink.js';

/** The default sink: logs each action, and skips a key it already logged in this process. */
export class LogSink implements Sink {
  readonly #seen = new Set<string>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async send(action: Action): Promise<void> {
    if (this.#seen.has(action.idempotencyKey)) {
      this.#logger.info(
        { action: action.kind, academy: action.academy, idempotencyKey: action.idempotencyKey },
        'action already done',
      );
      return;
    }
    this.#seen.add(action.idempotencyKey);
    this.#logger.info(
      { action: action.kind, academy: action.academy, idempotencyKey: action.idempotencyKey, payload: action.payload },
      'action',
    );
  }
}
