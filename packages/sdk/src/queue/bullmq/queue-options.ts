/**
 * The options of every BullMQ queue made here. The event stream (QueueEvents' history) is capped at
 * 1,000 entries rather than 10,000: nothing here reads it, live listeners still get every event, and
 * at about 4 entries a delivery the default cap held more than the jobs themselves at a short
 * retention (measured: 2.9 MB on PostgreSQL). Any queue opened on the same name must pass them too:
 * BullMQ stores the cap in the queue's metadata, so a queue opened without them raises it again.
 */
export const QUEUE_OPTIONS = { streams: { events: { maxLen: 1000 } } };
