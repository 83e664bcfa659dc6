import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';

/**
 * The tokens the endpoint accepts: WEBHOOK_TOKENS; or, in embedded and memory mode without it, one
 * generated on first start and kept in DATA_DIR; `undefined` with WEBHOOK_AUTH=none.
 */
export function resolveWebhookTokens(config: Config): { tokens: string[] | undefined; generated: boolean } {
  if (config.webhookAuth === 'none') return { tokens: undefined, generated: false };
  if (config.webhookTokens) return { tokens: config.webhookTokens, generated: false };
  // config.ts refuses redis and postgres modes without tokens; only single-machine modes get here.
  const file = join(config.dataDir, 'webhook-token');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return { tokens: [readFileSync(file, 'utf8').trim()], generated: true };
}
