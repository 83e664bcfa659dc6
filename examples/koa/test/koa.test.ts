import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { silentLogger } from 'acadle-webhooks';
import { describeRecipe } from '../../recipe-contract';
import { createApp } from '../src/app';

describeRecipe('koa', async () => {
  const token = 'tok_koa_recipe_0123456789';
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
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/webhooks/acadle`,
    token,
    maxBodyBytes,
    handledIds: () => handledIds,
    idle: () => queue.idle(),
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      await queue.close();
    },
  };
});
