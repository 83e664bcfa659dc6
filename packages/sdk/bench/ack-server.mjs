// One server for bench/ack.bench.mjs, in its own process: `bare` is a bare Express 5 route that
// reads the body and answers 200; `sdk` is this SDK's Express adapter storing into a MemoryQueue.
import express from 'express';
import { acadleWebhooks } from '../dist/adapters/express/index.mjs';
import { MemoryQueue } from '../dist/index.mjs';

const [kind, port, token] = process.argv.slice(2);
const app = express();
if (kind === 'bare') {
  app.post('/webhooks/acadle/:token', (request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      Buffer.concat(chunks);
      response.status(200).json({ received: true });
    });
  });
} else {
  app.use('/webhooks/acadle', acadleWebhooks({ queue: new MemoryQueue(), auth: { tokens: [token] } }));
}
app.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
