import { silentLogger } from 'acadle-webhooks';
import { describeRecipe } from '../../recipe-contract';
import { createApp } from '../src/app';

describeRecipe('fastify', async () => {
  const token = 'tok_fastify_recipe_0123456789';
  const maxBodyBytes = 64 * 1024;
  const handledIds: string[] = [];
  const { app, queue } = createApp({
    token,
    maxBodyBytes,
    onEvent: (event) => {
      handledIds.push(event.id);
    },
    logger: silentLogger,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    endpoint: `${address}/webhooks/acadle`,
    token,
    maxBodyBytes,
    handledIds: () => handledIds,
    idle: () => queue.idle(),
    stop: async () => {
      await app.close();
      await queue.close();
    },
  };
});
