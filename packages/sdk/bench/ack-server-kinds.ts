// The servers ack-server.mjs can be (see its header), and how the reports name them.

export const ACK_SERVER_KINDS = [
  'node-http',
  'express',
  'hand-written',
  'sdk-memory',
  'sdk-redis',
  'sdk-postgres',
  'sdk-node-memory',
  'sdk-node-redis',
  'sdk-node-postgres',
] as const;
export type AckServerKind = (typeof ACK_SERVER_KINDS)[number];

/** The kinds that store in Redis or PostgreSQL, and so can also run a worker (PIPELINE_WORKER=1). */
export type PipelineKind = Extract<AckServerKind, `${string}-redis` | `${string}-postgres` | 'hand-written'>;

export const ACK_SERVER_LABELS: Record<AckServerKind, string> = {
  'node-http': 'bare node:http',
  express: 'bare Express 5',
  'hand-written': 'hand-written (express.json + zod + BullMQ add, Redis)',
  'sdk-memory': 'SDK Express adapter + MemoryQueue',
  'sdk-redis': 'SDK Express adapter + BullMQ on Redis',
  'sdk-postgres': 'SDK Express adapter + BullMQ on embedded PostgreSQL',
  'sdk-node-memory': 'SDK node:http adapter + MemoryQueue',
  'sdk-node-redis': 'SDK node:http adapter + BullMQ on Redis',
  'sdk-node-postgres': 'SDK node:http adapter + BullMQ on embedded PostgreSQL',
};
