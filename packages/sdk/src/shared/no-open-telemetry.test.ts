import { createProcessor } from '../processor/create-processor.js';
import { MemoryQueue } from '../queue/memory-queue.js';
import { captureTraceContext, continueTrace } from '../queue/trace-context.js';
import { createReceiver } from '../receiver/create-receiver.js';
import { createEvent } from '../testing/create-event.js';
import { silentLogger } from './logger.js';
import { tracing } from './open-telemetry.js';
import { traced } from './traced.js';

describe('without OpenTelemetry', () => {
  it('is off until useOpenTelemetry is called: no span, no trace context', async () => {
    expect(tracing()).toBeUndefined();
    expect(captureTraceContext()).toBeUndefined();
    expect(continueTrace({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, () => 42)).toBe(
      42,
    );
    await expect(traced('span', 'SERVER', {}, async (span) => span)).resolves.toBeUndefined();
  });

  it('receives and processes as always', async () => {
    const handled: string[] = [];
    const processor = createProcessor({ handlers: { user_registered: (event) => void handled.push(event.id) } });
    const queue = new MemoryQueue({ processor, logger: silentLogger });
    const receiver = createReceiver({ queue, auth: { tokens: ['tok_untraced_0123456789'] }, logger: silentLogger });
    const event = createEvent('user_registered');
    const body = JSON.stringify(event);
    const answer = await receiver.handle({ method: 'POST', url: '/tok_untraced_0123456789', headers: {}, body });
    expect(answer.status).toBe(200);
    await queue.idle();
    expect(handled).toEqual([event.id]);
  });
});
