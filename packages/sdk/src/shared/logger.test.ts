import { createProcessor } from '../processor/create-processor.js';
import { MemoryQueue } from '../queue/memory-queue.js';
import { createReceiver } from '../receiver/create-receiver.js';
import { fixtures } from '../testing/fixtures.js';
import { consoleLogger, silentLogger } from './logger.js';

const TOKEN = 'tok_logger_0123456789abcdef';

describe('consoleLogger, the default', () => {
  let written: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    written = [];
    spy = jest.spyOn(console, 'error').mockImplementation((line: string) => void written.push(line));
  });
  afterEach(() => spy.mockRestore());

  it('writes warnings and errors as one line each, with the fields and the error message; drops debug and info', () => {
    consoleLogger.debug({ a: 1 }, 'detail');
    consoleLogger.info({ a: 1 }, 'routine');
    consoleLogger.warn({ eventId: 'e1', attempt: 2, err: new Error('CRM down') }, 'Handler failed');
    consoleLogger.error({ eventId: 'e2' }, 'Delivery moved to dead letters');
    expect(written).toEqual([
      '[acadle-webhooks] warn: Handler failed {"eventId":"e1","attempt":2,"err":{"name":"Error","message":"CRM down"}}',
      '[acadle-webhooks] error: Delivery moved to dead letters {"eventId":"e2"}',
    ]);
  });

  it('is what a receiver logs to when given no logger: a refused request, never its token', async () => {
    const receiver = createReceiver({ queue: new MemoryQueue({ processor: () => {} }), auth: { tokens: [TOKEN] } });
    const answer = await receiver.handle({ method: 'POST', url: `/${TOKEN}x`, headers: {}, body: '{}' });
    expect(answer.status).toBe(401);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\[acadle-webhooks\] warn: Refused: unauthorized .*"url":"\/\[redacted\]"/);
    expect(written[0]).not.toContain(TOKEN);
  });

  it('is what a processor logs to when given no logger: a failing handler, with event id, type and attempt', async () => {
    const queue = new MemoryQueue({
      attempts: 1,
      processor: createProcessor({
        handlers: {
          user_registered: () => {
            throw new Error('CRM down');
          },
        },
      }),
    });
    await queue.enqueue({
      id: 'b2c2eUgzU2lWcTkx',
      type: 'user_registered',
      body: fixtures.user_registered,
      receivedAt: new Date().toISOString(),
      request: { remoteAddress: undefined, userAgent: undefined, contentType: undefined },
    });
    await queue.idle();
    expect(written[0]).toMatch(/^\[acadle-webhooks\] warn: Handler failed/);
    expect(written[0]).toContain(
      '"eventId":"b2c2eUgzU2lWcTkx","eventType":"user_registered","academy":"default","attempt":1',
    );
    expect(written[0]).toContain('"message":"CRM down"');
    expect(written[1]).toMatch(/^\[acadle-webhooks\] error: Delivery moved to dead letters /);
    expect(written[1]).toContain('"eventId":"b2c2eUgzU2lWcTkx"');
    expect(written[1]).toContain('"message":"CRM down"');
  });

  it('is silenced by silentLogger', async () => {
    const receiver = createReceiver({
      queue: new MemoryQueue({ processor: () => {} }),
      auth: { tokens: [TOKEN] },
      logger: silentLogger,
    });
    await receiver.handle({ method: 'POST', url: '/wrong_token_0123456789', headers: {}, body: '{}' });
    expect(written).toEqual([]);
  });
});
