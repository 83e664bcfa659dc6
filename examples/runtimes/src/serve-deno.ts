// deno run --allow-net --allow-read --allow-env src/serve-deno.ts: serves the app on a free loopback port
// and prints `listening <port>`.
import { createApp } from './app.ts';

declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen(address: { port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
};

Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(`listening ${port}`) }, createApp());
