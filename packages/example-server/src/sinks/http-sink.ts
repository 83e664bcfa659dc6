import type { Action, Sink } from './sink.js';

/**
 * POSTs each action as JSON to `url` (a chat or CRM webhook), with an `Idempotency-Key` header.
 * A network error, a timeout or a non-2xx answer throws, so the delivery is retried, and after the
 * last attempt it becomes a dead letter: replay it once the other end is back.
 */
export class HttpSink implements Sink {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  async send(action: Action): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': action.idempotencyKey },
      body: JSON.stringify(action),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`${this.url} answered ${response.status}`);
  }
}
