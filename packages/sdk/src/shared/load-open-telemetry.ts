import { createRequire } from 'node:module';
import { isModuleNotFound } from './is-module-not-found.js';
import { tracing, useOpenTelemetry } from './open-telemetry.js';

// Relative to this file in both builds (`import.meta.url` in the ES module one: tsup.config.ts), so
// that the application's `@opentelemetry/api`, an optional peer, is found, and its absence caught.
const peerRequire = createRequire(__filename);
let tried = false;

/**
 * Uses `@opentelemetry/api` when it is installed, once; does nothing when it is not. Node.js-only
 * (the core stays runtime-neutral): the Node.js entries call it when they create a receiver, queue or worker.
 */
export function loadOpenTelemetry(): void {
  if (tried || tracing() !== undefined) return;
  tried = true;
  try {
    useOpenTelemetry(peerRequire('@opentelemetry/api'));
  } catch (error) {
    if (!isModuleNotFound(error, '@opentelemetry/api')) throw error;
  }
}
