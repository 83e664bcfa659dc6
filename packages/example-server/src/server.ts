// Starts the reference server: configuration, queue backend, worker, HTTP, graceful shutdown.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { orExitWhenCannotStart } from 'acadle-webhooks-embedded-database';
import { type AcademyTokens, readAcademiesFile } from './academies.js';
import { createAcknowledgementsFirst } from './acknowledgements-first.js';
import { createApp } from './app.js';
import { type Config, loadConfigOrExit } from './config.js';
import { createHandlers } from './handlers/index.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createServerProcessor } from './processor.js';
import { createQueueBackend } from './queue-backend.js';
import { HttpSink } from './sinks/http-sink.js';
import { LogSink } from './sinks/log-sink.js';
import { createWebhookHandler } from './webhook-handler.js';

const config = loadConfigOrExit();
const tracing = config.tracing && (await import('./tracing.js')).startTracing(config.tracing, config.role);

const logger = createLogger(config);
const backend = await orExitWhenCannotStart(createQueueBackend(config, logger), 'Cannot start');
const metrics = createMetrics(backend);

// One process answering and processing (ROLE=all): acknowledgements go first (acknowledgements-first.ts).
const acknowledgementsFirst = createAcknowledgementsFirst({
  share: config.processingShare,
  concurrency: config.worker.concurrency,
});

if (config.role !== 'web') {
  // Replace LogSink with your own Sink to send actions where your academy needs them.
  const sink = config.forward
    ? new HttpSink(config.forward.url, config.forward.timeoutMs)
    : new LogSink(logger.child({ component: 'sink' }));
  const processor = createServerProcessor(createHandlers(sink), logger.child({ component: 'worker' }), metrics);
  backend.startWorker((delivery, context) =>
    acknowledgementsFirst.process(context.signal, async () => processor(delivery, context)),
  );
}

let server: Server | undefined;
if (config.role !== 'worker') {
  const { academies, generated } = resolveWebhookAcademies(config);
  let configured = academies ?? [];
  const app = createApp({
    config,
    backend,
    metrics,
    logger,
    academies: () => configured.map((academy) => academy.name),
  });
  const handlerFor = (accepted: AcademyTokens[] | undefined) =>
    createWebhookHandler({ backend, metrics, logger, academies: accepted });
  let webhook: ReturnType<typeof handlerFor>;
  try {
    webhook = handlerFor(academies);
  } catch (error) {
    // The SDK's check of what the file holds beyond its shape (an allowedIps entry that is no address).
    console.error(`Configuration error: ACADEMIES_FILE: ${(error as Error).message}`);
    process.exit(1);
  }
  // ACADEMIES_FILE is read again on SIGHUP: new deliveries meet the new academies, those under way
  // finish with the old; a file that does not pass is refused and the old configuration stays.
  reloadAcademiesOnHangup((next) => {
    webhook = handlerFor(next);
    configured = next;
  });
  // Slow or stalled clients must not hold connections: Acadle sends small bodies quickly. Node
  // enforces the first two only when it checks connections, every 30 s by default: check every second.
  server = createServer(
    { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 1_000 },
    // Deliveries to the webhook handler; everything else (health, metrics, admin) to Express.
    (request, response) => {
      acknowledgementsFirst.track(response);
      void webhook(request, response, () => app(request, response));
    },
  );
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server?.once('listening', resolve).once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, queueBackend: config.queueBackend, role: config.role }, 'listening');
  const token = academies?.[0]?.tokens[0];
  if (generated && token) {
    const base = config.publicUrl ?? `http://localhost:${port}`;
    // Printed, never logged: this URL is the secret Acadle will post to.
    console.log(`\nAcadle endpoint URL (paste it in Admin > Webhooks):\n  ${base}/webhooks/acadle/${token}\n`);
  }
} else {
  logger.info({ queueBackend: config.queueBackend, role: config.role }, 'worker started');
  // A worker has no endpoint to reload, but takes the academies added (each from its own queue).
  reloadAcademiesOnHangup(() => {});
}

/** On SIGHUP, reads ACADEMIES_FILE again: the backend takes the academies added, then `apply` the rest. */
function reloadAcademiesOnHangup(apply: (academies: AcademyTokens[]) => void): void {
  const file = config.academiesFile;
  if (!file) return;
  process.on('SIGHUP', () => {
    try {
      const next = readAcademiesFile(file);
      apply(next);
      backend.addAcademies(next);
      logger.info({ academies: next.map((academy) => academy.name) }, 'academies reloaded');
    } catch (error) {
      logger.error({ file }, `ACADEMIES_FILE refused, the previous academies stay: ${(error as Error).message}`);
    }
  });
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error({}, 'shutdown took too long: exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs + 20_000);
  deadline.unref();
  if (server) {
    const closed = new Promise((resolve) => server?.close(resolve));
    server.closeIdleConnections();
    await closed;
  }
  await backend.close();
  await tracing?.shutdown();
  logger.info({}, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

/**
 * The academies and tokens the endpoint accepts: WEBHOOK_TOKENS; or, in embedded and memory mode
 * without it, one token of the academy `default`, generated on first start and kept in DATA_DIR;
 * `undefined` with WEBHOOK_AUTH=none.
 */
export function resolveWebhookAcademies(config: Config): {
  academies: AcademyTokens[] | undefined;
  generated: boolean;
} {
  if (config.webhookAuth === 'none') return { academies: undefined, generated: false };
  if (config.webhookAcademies) return { academies: config.webhookAcademies, generated: false };
  // config.ts refuses redis and postgres modes without tokens; only single-machine modes get here.
  const file = join(config.dataDir, 'webhook-token');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return { academies: [{ name: 'default', tokens: [readFileSync(file, 'utf8').trim()] }], generated: true };
}
