// Type-checked with skipLibCheck off in a project without ioredis: the bullmq entry's types need none.
import { createProcessor } from 'acadle-webhooks';
import { BullMQQueue, createBullMQWorker } from 'acadle-webhooks/bullmq';

const connectionString = 'postgres://localhost/acadle';
export const queue = new BullMQQueue({ postgres: { connectionString, migrate: true } });
export const worker = createBullMQWorker(createProcessor({ handlers: {} }), { postgres: { connectionString } });
