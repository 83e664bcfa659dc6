// Starts a throwaway embedded PostgreSQL with the test harness (as the integration tests do), prints its
// connection URL as the first line of stdout, and stops it when stdin closes or on SIGTERM. For
// scripts/check-package/postgres-only.mjs, whose PostgreSQL-only consumer needs a real database.
// Run from packages/sdk (where tsx is installed): node --import tsx ../../scripts/start-postgres.ts
import { startPostgres } from 'acadle-webhooks-test-harness';

async function main() {
  const server = await startPostgres();
  const { user, password, port, database } = server.connection;
  console.log(`postgres://${user}:${password}@127.0.0.1:${port}/${database}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.stdin.on('end', () => void stop()).resume();
  process.on('SIGTERM', () => void stop());
}

void main();
