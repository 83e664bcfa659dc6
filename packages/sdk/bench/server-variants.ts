// What the server part measures: the reference server's configurations (embedded default, Redis
// ROLE=web, no yield, and each other build given), and how long.

export interface ServerSettings {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  pipelineDeliveries: number;
  /** Other builds of the server to measure beside this one (`--before-server=<path>`), by name. */
  otherScripts: Record<string, string>;
}

/** The default configuration: what `pnpm start` runs. */
export const EMBEDDED = { id: 'embedded', label: 'reference server, embedded PostgreSQL (default, ROLE=all)', env: {} };

/** Each configuration of the reference server measured, with its row id and label. */
export function serverVariants(settings: ServerSettings, redisUrl: string) {
  const redis = { QUEUE_BACKEND: 'redis', REDIS_URL: redisUrl, ROLE: 'web' };
  const rows: { id: string; label: string; env: Record<string, string>; script?: string }[] = [
    EMBEDDED,
    { id: 'redis-web', label: 'reference server, Redis ROLE=web', env: redis },
    // What acknowledgements-first (ROLE=all) is worth: the default without it.
    {
      id: 'embedded-no-yield',
      label: 'embedded default with PROCESSING_YIELD_MS=0',
      env: { PROCESSING_YIELD_MS: '0' },
    },
  ];
  for (const [name, script] of Object.entries(settings.otherScripts)) {
    rows.push({ id: `${name}-embedded`, label: `${name}: embedded PostgreSQL`, env: {}, script });
    rows.push({ id: `${name}-redis-web`, label: `${name}: Redis ROLE=web`, env: redis, script });
  }
  return rows;
}
