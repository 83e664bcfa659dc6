/** The queue all deliveries go through unless told otherwise (the CLI reads it too, without loading BullMQ). */
export const DEFAULT_QUEUE_NAME = 'acadle-webhooks';
