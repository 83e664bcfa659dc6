import type { PostgresConnectionOptions } from 'bullmq';

/** The PostgreSQL connection of BullMQ's Postgres backend: a connection string, a pool config, or a `pg.Pool`. */
export type PostgresConnection = PostgresConnectionOptions;
