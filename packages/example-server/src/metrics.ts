import type { ProcessResult, QueueStats, ReceiverOutcome } from 'acadle-webhooks';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read from the queue at each scrape. */
export interface MetricsSources {
  jobCounts(): Promise<Record<string, number>>;
  stats(): Promise<QueueStats>;
  /** Resolves when the queue answers (as /readyz asks it). */
  ping(): Promise<void>;
}

// A scrape must not hang on a store that does not answer: past this, the last values stay.
const COLLECT_TIMEOUT_MS = 2000;

function withinTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the queue did not answer in time')), COLLECT_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The server's Prometheus metrics. */
export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  // Process metrics (resident memory, event-loop lag, handles), as any Node service exposes.
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'acadle_webhook_requests_total',
    help: 'Webhook requests answered, by HTTP status, result (stored, duplicate, or the error code) and academy (none before its token was recognized)',
    labelNames: ['status', 'result', 'academy'] as const,
    registers: [registry],
  });
  const processed = new Counter({
    name: 'acadle_webhook_events_processed_total',
    help: 'Attempts at events processed by this process, by type, outcome (handled, no_handler, unknown, invalid, failed) and academy',
    labelNames: ['type', 'outcome', 'academy'] as const,
    registers: [registry],
  });
  const enqueueDuration = new Histogram({
    name: 'acadle_webhook_enqueue_duration_seconds',
    help: 'Time spent storing a delivery before answering',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [registry],
  });
  new Gauge({
    name: 'acadle_webhook_queue_jobs',
    help: 'Deliveries in the queue, by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        for (const [state, count] of Object.entries(await withinTimeout(sources.jobCounts())))
          this.set({ state }, count);
      } catch {
        // The queue is unreachable; /readyz says so. Keep the last values rather than failing the scrape.
      }
    },
  });
  // One read of the queue's statistics per scrape, shared by the gauges below.
  let statsRead: Promise<QueueStats> | undefined;
  const stats = () => {
    statsRead ??= withinTimeout(sources.stats()).finally(() => setTimeout(() => (statsRead = undefined), 0));
    return statsRead;
  };
  const fromStats = (name: string, help: string, value: (read: QueueStats) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        try {
          const read = value(await stats());
          if (read === undefined) this.reset();
          else this.set(read);
        } catch {
          // The queue is unreachable; /readyz says so. Keep the last value rather than failing the scrape.
        }
      },
    });
  fromStats(
    'acadle_webhook_queue_oldest_waiting_seconds',
    'Age of the oldest delivery not yet processed (waiting, retrying or being processed), in seconds; 0 when none',
    (read) => read.oldestUnprocessedAgeSeconds,
  );
  fromStats('acadle_webhook_dead_letters', 'Dead letters kept (within their retention)', (read) => read.deadLetters);
  fromStats(
    'acadle_webhook_dead_letter_oldest_seconds',
    'Age of the oldest dead letter kept, in seconds; 0 when none',
    (read) => read.oldestDeadLetterAgeSeconds,
  );
  fromStats(
    'acadle_webhook_dead_letter_newest_seconds',
    'Age of the newest dead letter, in seconds; absent when there is none',
    (read) => read.newestDeadLetterAgeSeconds,
  );
  fromStats(
    'acadle_webhook_stored_deliveries',
    'Deliveries stored, in every state (processed ones within their retention)',
    (read) => read.waiting + read.active + read.retrying + read.processed + read.deadLetters,
  );
  new Gauge({
    name: 'acadle_webhook_ready',
    help: '1 when the queue answers (as /readyz), 0 otherwise',
    registers: [registry],
    async collect() {
      this.set(
        await withinTimeout(sources.ping()).then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  return {
    registry,
    observeResponse(outcome: ReceiverOutcome) {
      // The academy of a recognized token only: a refused request cannot grow the label's values.
      requests.inc({ status: String(outcome.status), result: outcome.result, academy: outcome.academy ?? 'none' });
      if (outcome.enqueueMs !== undefined) enqueueDuration.observe(outcome.enqueueMs / 1000);
    },
    observeProcessed(type: string, outcome: ProcessResult, academy: string) {
      processed.inc({ type, outcome, academy });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
