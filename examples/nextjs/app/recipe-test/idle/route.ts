import { acadleWebhooks } from '@/lib/acadle';

export const runtime = 'nodejs';

/** For the recipe's test only (RECIPE_HANDLED_IDS_FILE set): answers once the queue has nothing left to process. */
export async function GET(): Promise<Response> {
  if (!process.env.RECIPE_HANDLED_IDS_FILE) return new Response(null, { status: 404 });
  await acadleWebhooks().queue.idle();
  return new Response(null, { status: 204 });
}
