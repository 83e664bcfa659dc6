import type { ProcessResult, ReceiverOutcome } from 'acadle-webhooks';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The server's Prometheus metrics. */
export function createMetrics(jobCounts: () => Promise<Record<string, number>>) {
  const registry = new Registry();
  // Process metrics (resident memory, event-loop lag, handles), as any Node service exposes.
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'acadle_webhook_requests_total',
    help: 'Webhook requests answered, by HTTP status and result (stored, duplicate, or the error code)',
    labelNames: ['status', 'result'] as const,
    registers: [registry],
  });
  const processed = new Counter({
    name: 'acadle_webhook_events_processed_total',
    help: 'Attempts at events processed by this process, by type and outcome (handled, no_handler, unknown, invalid, failed)',
    labelNames: ['type', 'outcome'] as const,
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
        for (const [state, count] of Object.entries(await jobCounts())) this.set({ state }, count);
      } catch {
        // The queue is unreachable; /readyz says so. Keep the last values rather than failing the scrape.
      }
    },
  });
  return {
    registry,
    observeResponse(outcome: ReceiverOutcome) {
      requests.inc({ status: String(outcome.status), result: outcome.result });
      if (outcome.enqueueMs !== undefined) enqueueDuration.observe(outcome.enqueueMs / 1000);
    },
    observeProcessed(type: string, outcome: ProcessResult) {
      processed.inc({ type, outcome });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
