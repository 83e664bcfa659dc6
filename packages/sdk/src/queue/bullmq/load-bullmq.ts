import { createRequire } from 'node:module';
import type * as BullMQ from 'bullmq';
import { isModuleNotFound } from '../../shared/is-module-not-found.js';

/** Thrown when an optional peer dependency an entry needs is not installed: the message says what to run. */
export class MissingPeerError extends Error {
  override readonly name = 'MissingPeerError';
  readonly code = 'missing_peer';
}

// `require` relative to this file in both builds (the ES module build reads `import.meta.url` for
// `__filename`: tsup.config.ts), so that
// a missing peer is caught here: a static `import` would fail first, with Node's bare ERR_MODULE_NOT_FOUND.
const peerRequire = createRequire(__filename);

/** BullMQ, or a one-line `MissingPeerError` naming what to install. */
function loadBullMQ(): typeof BullMQ {
  try {
    return peerRequire('bullmq') as typeof BullMQ;
  } catch (error) {
    if (!isModuleNotFound(error, 'bullmq')) throw error;
    throw new MissingPeerError(
      'acadle-webhooks/bullmq needs the bullmq package: npm install bullmq ioredis (for Redis) or npm install bullmq pg (for PostgreSQL)',
    );
  }
}

/** The BullMQ module, loaded with this entry. */
export const bullmq = loadBullMQ();
