// Jobs carry only a ceiling of attempts and a named backoff type; the worker's options decide the
// real number of attempts and the delays (create-bullmq-worker.ts). The retry policy is thus the
// workers' configuration, and a change to it applies to deliveries already stored.

/**
 * Retry options stored on every job: a ceiling of attempts, and a backoff type of our own, which
 * BullMQ hands to the worker's `backoffStrategy`.
 */
export const JOB_RETRY_OPTIONS = { attempts: 1_000, backoff: { type: 'acadle-webhooks' } };
