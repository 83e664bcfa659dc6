import { AcadleParseError } from '../events/acadle-parse-error.js';
import { createProcessor } from '../processor/create-processor.js';
import type { ProcessOutcome } from '../processor/process-outcome.js';
import type { Delivery, ProcessContext } from '../queue/event-queue.js';
import { createEvent } from './create-event.js';
import { deliver } from './deliver.js';
import { fixtures } from './fixtures.js';

const failure = new Error('CRM down');
const seen: { email: string; attempt: number; delivery: Delivery }[] = [];
const reported: ProcessOutcome[] = [];
const processor = createProcessor({
  handlers: {
    user_registered: (event, { attempt, delivery }) =>
      void seen.push({ email: event.data.user.email, attempt, delivery }),
    user_course_completed: () => {
      throw failure;
    },
  },
  onOutcome: (outcome) => reported.push(outcome),
});

beforeEach(() => {
  seen.length = 0;
  reported.length = 0;
});

describe('deliver', () => {
  it('resolves as handled, with the id and type read from the body, whether given text, bytes, an object or createEvent', async () => {
    const event = createEvent('user_registered', { id: 'evt-1', data: { user: { email: 'ada@example.com' } } });
    for (const input of [
      JSON.stringify(event),
      Buffer.from(JSON.stringify(event)),
      JSON.parse(JSON.stringify(event)),
      event,
    ]) {
      expect(await deliver(processor, input)).toEqual({
        result: 'handled',
        eventId: 'evt-1',
        eventType: 'user_registered',
        academy: 'default',
        attempt: 1,
        durationMs: expect.any(Number),
      });
    }
    expect(seen.map(({ email }) => email)).toEqual(Array(4).fill('ada@example.com'));
    expect(seen[0]?.delivery).toEqual({
      id: 'evt-1',
      type: 'user_registered',
      academy: 'default',
      body: JSON.stringify(event),
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      request: { remoteAddress: undefined, userAgent: undefined, contentType: undefined },
    });
  });

  it('resolves as failed with what the handler threw, instead of throwing', async () => {
    const outcome = await deliver(processor, createEvent('user_course_completed'));
    expect(outcome).toMatchObject({ result: 'failed', eventType: 'user_course_completed', error: failure });
  });

  it('resolves as no_handler, unknown and invalid for the deliveries a queue would complete or dead-letter', async () => {
    expect((await deliver(processor, fixtures.user_badge_updated)).result).toBe('no_handler');
    expect(await deliver(processor, { id: 7, type: 'user_quiz_passed', data: {} })).toMatchObject({
      result: 'unknown',
      eventId: '7',
      eventType: 'user_quiz_passed',
    });
    const invalid = await deliver(
      processor,
      createEvent('user_registered', { data: { user: { created_at: 'never' } } }),
    );
    expect(invalid.result).toBe('invalid');
    expect((invalid.error as AcadleParseError).issues[0]?.path).toEqual(['data', 'user', 'created_at']);
  });

  it('resolves as invalid, with empty id and type, for bodies a receiver would refuse', async () => {
    for (const input of ['not json', '[]', { type: 'user_registered' }, undefined]) {
      const outcome = await deliver(processor, input);
      expect(outcome).toMatchObject({ result: 'invalid', eventId: '', eventType: '' });
      expect(outcome.error).toBeInstanceOf(AcadleParseError);
    }
    expect(seen).toEqual([]);
  });

  it('reports each outcome to the processor onOutcome too, once', async () => {
    const outcome = await deliver(processor, fixtures.user_registered);
    expect(reported).toEqual([outcome]);
  });

  it('runs the attempt given in options, 1 by default', async () => {
    await deliver(processor, fixtures.user_registered);
    const retried = await deliver(processor, fixtures.user_registered, { attempt: 3 });
    expect(retried.attempt).toBe(3);
    expect(seen.map(({ attempt }) => attempt)).toEqual([1, 3]);
  });

  it('maps a plain function processor: handled when it returns, failed with the error when it throws', async () => {
    const calls: [Delivery, ProcessContext][] = [];
    const handWritten = (delivery: Delivery, context: ProcessContext) => {
      calls.push([delivery, context]);
      if (delivery.type === 'user_course_completed') throw failure;
    };
    expect(await deliver(handWritten, fixtures.user_registered, { attempt: 2 })).toEqual({
      result: 'handled',
      eventId: 'a3MwZHNVWDNSczZuVXVTMTQy',
      eventType: 'user_registered',
      academy: 'default',
      attempt: 2,
      durationMs: expect.any(Number),
    });
    expect(await deliver(handWritten, fixtures.user_course_completed)).toMatchObject({
      result: 'failed',
      error: failure,
      attempt: 1,
    });
    expect(calls[0]?.[1]).toMatchObject({ attempt: 2, signal: expect.objectContaining({ aborted: false }) });
  });
});

describe('deliver with an academy', () => {
  it('hands the academy to the handler and its outcome, as a receiver with several academies stores it', async () => {
    const seen: string[] = [];
    const processor = createProcessor({
      handlers: { user_registered: (_event, context) => void seen.push(context.academy) },
    });
    const outcome = await deliver(processor, createEvent('user_registered'), { academy: 'north' });
    expect(outcome).toMatchObject({ result: 'handled', academy: 'north' });
    expect(seen).toEqual(['north']);
  });
});
