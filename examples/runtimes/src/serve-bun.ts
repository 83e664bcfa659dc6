// bun src/serve-bun.ts: serves the app on a free loopback port and prints `listening <port>`.
import { createApp } from './app';

declare const Bun: {
  serve(options: { port: number; hostname: string; fetch: (request: Request) => Promise<Response> }): { port: number };
};

const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: createApp() });
console.log(`listening ${server.port}`);
