import { acadleWebhooks } from '@/lib/acadle';

// The Node.js runtime: the in-memory queue lives in the long-running `next start` process.
export const runtime = 'nodejs';

/** Acadle posts each event to /webhooks/acadle/<token> (or /webhooks/acadle?token=<token>). */
export function POST(request: Request): Promise<Response> {
  return acadleWebhooks().handler(request);
}
