import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { silentLogger } from 'acadle-webhooks';
import { describeRecipe } from '../../recipe-contract';
import { createApp } from '../src/app';

describeRecipe('hono', async () => {
  const token = 'tok_hono_recipe_0123456789';
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
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
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
