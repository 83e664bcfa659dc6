import { type ReceiverSource, receiverFrom } from 'acadle-webhooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Options of the Express adapter: a receiver's options, or a receiver already built. */
export type AcadleWebhooksOptions = ReceiverSource;

/**
 * Express 5 middleware that receives Acadle webhooks. Mount it where Acadle posts; the token
 * travels as the last path segment or as `?token=`. It reads the raw body itself (with the size
 * limit), and also accepts a body that `express.json()`, `express.raw()` or `express.text()` read first.
 *
 * @example
 * ```ts
 * import { acadleWebhooks } from 'acadle-webhooks/express';
 *
 * app.use('/webhooks/acadle', acadleWebhooks({ queue, auth: { tokens: [process.env.WEBHOOK_TOKEN!] } }));
 * // Acadle endpoint URL: https://example.com/webhooks/acadle/<token>
 * ```
 */
export function acadleWebhooks(options: AcadleWebhooksOptions): RequestHandler {
  const receiver = receiverFrom(options);
  return (request: Request, response: Response, next: NextFunction) => {
    receiver
      .handle({
        method: request.method,
        url: request.url,
        headers: request.headers,
        // Express 5 leaves `body` undefined unless a body parser ran; then the stream is ours to read.
        body: request.body !== undefined ? request.body : request.readableEnded ? '' : request,
        remoteAddress: request.socket.remoteAddress,
      })
      .then((answer) => {
        response.writeHead(answer.status, answer.headers).end(answer.body);
      }, next);
  };
}
