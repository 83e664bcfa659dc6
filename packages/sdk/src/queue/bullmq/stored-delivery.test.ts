import type { Delivery } from 'acadle-webhooks';
import { fromStoredDelivery, toStoredDelivery } from './stored-delivery.js';

const delivery: Delivery = {
  id: 'evt-1',
  type: 'user_registered',
  body: '{}',
  receivedAt: '2026-11-30T00:00:00.000Z',
  request: { remoteAddress: undefined, userAgent: undefined, contentType: undefined },
};
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('the job data of a delivery', () => {
  it('is the delivery itself when tracing is off', () => {
    expect(toStoredDelivery(delivery)).toBe(delivery);
  });

  it('reads a job stored before trace contexts (or without tracing) as the delivery, with no trace context', () => {
    expect(fromStoredDelivery({ ...delivery })).toEqual({ delivery, traceContext: undefined });
  });

  it('hands handlers the delivery without the trace context stored beside it', () => {
    expect(fromStoredDelivery({ ...delivery, traceContext: { traceparent } })).toEqual({
      delivery,
      traceContext: { traceparent },
    });
  });

  it('keeps the retention a worker removes the job after beside the delivery, out of handlers’ sight', () => {
    const retention = { processedMs: 1000, deadLettersMs: 2000 };
    const stored = toStoredDelivery(delivery, retention);
    expect(stored.retention).toEqual(retention);
    expect(fromStoredDelivery(stored)).toEqual({ delivery, traceContext: undefined });
  });
});
