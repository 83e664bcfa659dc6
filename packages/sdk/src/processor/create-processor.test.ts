import type { KnownEvent } from '../events/acadle-event.js';
import { AcadleParseError } from '../events/acadle-parse-error.js';
import { EVENT_TYPES } from '../events/event-types.js';
import type { Delivery } from '../queue/event-queue.js';
import { NonRetryableError } from '../queue/non-retryable-error.js';
import type { Logger } from '../shared/logger.js';
import { createEvent } from '../testing/create-event.js';
import { fixtures } from '../testing/fixtures.js';
import { createProcessor, type ProcessorOptions } from './create-processor.js';
import type { ProcessOutcome } from './process-outcome.js';

const delivery = (body: string | object): Delivery => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const { id, type } = JSON.parse(text) as { id: string; type: string };
  return {
    id,
    type,
    body: text,
    receivedAt: new Date().toISOString(),
    request: { remoteAddress: undefined, userAgent: undefined, contentType: undefined },
  };
};

const context = { attempt: 2, signal: new AbortController().signal };

function recordingLogger(): Logger & { lines: { level: string; fields: Record<string, unknown>; message?: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; message?: string }[] = [];
  const record = (level: string) => (fields: object, message?: string) => {
    lines.push({ level, fields: fields as Record<string, unknown>, message });
  };
  return { lines, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

/** Runs one delivery through a processor and returns what it reported, and what it threw. */
async function run(options: Partial<ProcessorOptions>, body: string | object) {
  const outcomes: ProcessOutcome[] = [];
  const processor = createProcessor({ handlers: {}, onOutcome: (outcome) => outcomes.push(outcome), ...options });
  const thrown = await Promise.resolve(processor(delivery(body), context)).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcomes).toHaveLength(1);
  return { outcome: outcomes[0] as ProcessOutcome, thrown };
}

const invalidBody = createEvent('user_registered', { data: { user: { created_at: 'not a date' } } });

describe('createProcessor outcomes', () => {
  it('reports handled when the handler of the type ran', async () => {
    const seen: string[] = [];
    const { outcome, thrown } = await run(
      { handlers: { user_course_completed: (event) => void seen.push(event.data.course.name) } },
      fixtures.user_course_completed,
    );
    expect(thrown).toBeUndefined();
    expect(seen).toEqual(['Sample Course']);
    expect(outcome).toEqual({
      result: 'handled',
      eventId: 'bDJOU0M0MQ==',
      eventType: 'user_course_completed',
      academy: 'default',
      attempt: 2,
      durationMs: expect.any(Number),
    });
  });

  it('reports no_handler for a documented type without a handler, and completes it', async () => {
    const { outcome, thrown } = await run({}, fixtures.user_registered);
    expect(thrown).toBeUndefined();
    expect(outcome.result).toBe('no_handler');
  });

  it('reports unknown for a type the SDK does not know, or handled when onUnknown ran', async () => {
    const body = '{"id":"u-1","type":"user_quiz_passed","data":{"score":3}}';
    expect((await run({}, body)).outcome.result).toBe('unknown');
    const types: string[] = [];
    expect((await run({ onUnknown: (event) => void types.push(event.type) }, body)).outcome.result).toBe('handled');
    expect(types).toEqual(['user_quiz_passed']);
  });

  it('reports invalid with the parse error, and throws NonRetryableError without running the handler', async () => {
    let ran = false;
    const { outcome, thrown } = await run(
      {
        handlers: {
          user_registered: () => {
            ran = true;
          },
        },
      },
      invalidBody,
    );
    expect(ran).toBe(false);
    expect(thrown).toBeInstanceOf(NonRetryableError);
    expect(outcome.result).toBe('invalid');
    expect(outcome.error).toBeInstanceOf(AcadleParseError);
    expect((outcome.error as AcadleParseError).issues[0]?.path).toEqual(['data', 'user', 'created_at']);
  });

  it('reports failed with what the handler threw, and throws it on so that the queue retries', async () => {
    const failure = new Error('CRM down');
    const { outcome, thrown } = await run(
      {
        handlers: {
          user_registered: () => {
            throw failure;
          },
        },
      },
      fixtures.user_registered,
    );
    expect(thrown).toBe(failure);
    expect(outcome).toMatchObject({ result: 'failed', error: failure, attempt: 2 });
  });

  it('logs every outcome by default: failed and invalid at warn, unknown at info, handled at debug', async () => {
    const logger = recordingLogger();
    const processor = createProcessor({
      logger,
      handlers: {
        user_registered: () => {
          throw new Error('CRM down');
        },
        user_course_completed: () => {},
      },
    });
    const attempt = (body: string | object) =>
      Promise.resolve(processor(delivery(body), context)).catch(() => undefined);
    await attempt(fixtures.user_registered);
    await attempt(invalidBody);
    await attempt('{"id":"u-1","type":"user_quiz_passed","data":{}}');
    await attempt(fixtures.user_course_completed);
    expect(logger.lines.map(({ level, fields }) => [level, fields.result])).toEqual([
      ['warn', 'failed'],
      ['warn', 'invalid'],
      ['info', 'unknown'],
      ['debug', 'handled'],
    ]);
    expect(logger.lines[0]?.fields.err).toEqual(new Error('CRM down'));
    expect(logger.lines[1]?.fields.issues).toEqual([expect.objectContaining({ path: ['data', 'user', 'created_at'] })]);
  });

  it('logs an onOutcome hook that throws, and keeps the outcome of the delivery', async () => {
    const logger = recordingLogger();
    const processor = createProcessor({
      logger,
      handlers: {},
      onOutcome: () => {
        throw new Error('metrics broke');
      },
    });
    await expect(Promise.resolve(processor(delivery(fixtures.user_registered), context))).resolves.toBeUndefined();
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'error', message: 'onOutcome hook threw; the outcome is unchanged' }),
    ]);
  });
});

describe('createProcessor run', () => {
  const unknownBody = '{"id":"u-1","type":"user_quiz_passed","data":{}}';
  const failure = new Error('CRM down');
  const options: Partial<ProcessorOptions> = {
    handlers: {
      user_registered: () => {
        throw failure;
      },
      user_course_completed: () => {},
    },
  };

  it('resolves with the outcome of each kind of attempt, the error included, and never throws', async () => {
    const reported: ProcessOutcome[] = [];
    const processor = createProcessor({ handlers: {}, ...options, onOutcome: (outcome) => reported.push(outcome) });
    const outcomes = [
      await processor.run(delivery(fixtures.user_course_completed), context),
      await processor.run(delivery(fixtures.user_badge_updated), context),
      await processor.run(delivery(unknownBody), context),
      await processor.run(delivery(invalidBody), context),
      await processor.run(delivery(fixtures.user_registered), context),
    ];
    expect(outcomes.map(({ result }) => result)).toEqual(['handled', 'no_handler', 'unknown', 'invalid', 'failed']);
    expect(outcomes[3]?.error).toBeInstanceOf(AcadleParseError);
    expect(outcomes[4]).toMatchObject({ error: failure, attempt: 2, eventType: 'user_registered' });
    expect(reported).toEqual(outcomes);
  });

  it('runs the first attempt with a signal that is not aborted when given no context', async () => {
    const seen: { attempt: number; aborted: boolean }[] = [];
    const processor = createProcessor({
      handlers: {
        user_registered: (_event, { attempt, signal }) => void seen.push({ attempt, aborted: signal.aborted }),
      },
    });
    expect(await processor.run(delivery(fixtures.user_registered))).toMatchObject({ result: 'handled', attempt: 1 });
    expect(seen).toEqual([{ attempt: 1, aborted: false }]);
  });

  it('is what the callable form awaits: it throws NonRetryableError caused by the parse error, or the handler error', async () => {
    const processor = createProcessor({ handlers: {}, ...options, onOutcome: () => {} });
    const invalid = await Promise.resolve(processor(delivery(invalidBody), context)).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(NonRetryableError);
    const { cause, message } = invalid as NonRetryableError;
    expect(cause).toBeInstanceOf(AcadleParseError);
    expect(message).toBe((cause as AcadleParseError).message);
    await expect(Promise.resolve(processor(delivery(fixtures.user_registered), context))).rejects.toBe(failure);
    await expect(Promise.resolve(processor(delivery(unknownBody), context))).resolves.toBeUndefined();
  });
});

describe('createProcessor onEvent', () => {
  it('runs for every documented type, after the handler of the type, with the same context', async () => {
    const calls: string[] = [];
    const processor = createProcessor({
      handlers: {
        user_registered: (event) => void calls.push(`handler ${event.type}`),
        user_course_completed: (event) => void calls.push(`handler ${event.type}`),
      },
      onEvent: (event, { attempt }) => void calls.push(`onEvent ${event.type} ${attempt}`),
    });
    const results = [];
    for (const type of EVENT_TYPES) results.push((await processor.run(delivery(fixtures[type]), context)).result);
    expect(results).toEqual(EVENT_TYPES.map(() => 'handled'));
    expect(calls).toEqual([
      'handler user_registered',
      'onEvent user_registered 2',
      'handler user_course_completed',
      'onEvent user_course_completed 2',
      'onEvent user_lessons_completed 2',
      'onEvent user_certificate_issued 2',
      'onEvent user_badge_updated 2',
    ]);
  });

  it('does not run for unknown types, which stay unknown (or go to onUnknown)', async () => {
    const calls: string[] = [];
    const body = '{"id":"u-1","type":"user_quiz_passed","data":{}}';
    const onEvent = (event: KnownEvent) => void calls.push(event.type);
    expect((await run({ onEvent }, body)).outcome.result).toBe('unknown');
    expect((await run({ onEvent, onUnknown: () => {} }, body)).outcome.result).toBe('handled');
    expect(calls).toEqual([]);
  });

  it('does not run when the handler of the type throws: the attempt failed with that error', async () => {
    const failure = new Error('CRM down');
    let ran = false;
    const { outcome, thrown } = await run(
      {
        handlers: {
          user_registered: () => {
            throw failure;
          },
        },
        onEvent: () => {
          ran = true;
        },
      },
      fixtures.user_registered,
    );
    expect(ran).toBe(false);
    expect(thrown).toBe(failure);
    expect(outcome).toMatchObject({ result: 'failed', error: failure });
  });

  it('fails the attempt when it throws, after the handler of the type ran', async () => {
    const failure = new Error('audit log down');
    const calls: string[] = [];
    const { outcome, thrown } = await run(
      {
        handlers: { user_registered: () => void calls.push('handler') },
        onEvent: () => {
          calls.push('onEvent');
          throw failure;
        },
      },
      fixtures.user_registered,
    );
    expect(calls).toEqual(['handler', 'onEvent']);
    expect(thrown).toBe(failure);
    expect(outcome).toMatchObject({ result: 'failed', error: failure });
  });

  it('does not run for invalid payloads', async () => {
    let ran = false;
    const onEvent = () => {
      ran = true;
    };
    expect((await run({ onEvent }, invalidBody)).outcome.result).toBe('invalid');
    expect(ran).toBe(false);
  });
});
