import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbeddedDatabase } from './embedded-database.js';
import { isAlive } from './process-identity.js';

/**
 * The connection to the embedded PostgreSQL a running server started in `dataDir` (its port is in
 * `postmaster.pid`), or `undefined` when none runs.
 */
export function runningEmbeddedDatabase(dataDir: string): EmbeddedDatabase['connection'] | undefined {
  const lockFile = join(dataDir, 'postgres', 'postmaster.pid');
  const passwordFile = join(dataDir, 'postgres-password');
  if (!existsSync(lockFile) || !existsSync(passwordFile)) return undefined;
  const [pid, , , port] = readFileSync(lockFile, 'utf8').split('\n');
  if (!isAlive(Number(pid))) return undefined;
  const password = readFileSync(passwordFile, 'utf8').trim();
  return { host: '127.0.0.1', port: Number(port), user: 'postgres', password, database: 'postgres' };
}
