// Unit tests of the handlers in src/handlers, run on the build (npm test builds first).
// No server, no queue: `deliver` runs one delivery through the processor, in process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProcessor } from 'acadle-webhooks';
import { createEvent, deliver, fixtures } from 'acadle-webhooks/testing';
import { createHandlers } from '../dist/handlers/index.js';

/** A Sink that remembers the actions instead of sending them. */
function recordingSink() {
  const actions = [];
  return { actions, send: async (action) => void actions.push(action) };
}

function processorWith(sink) {
  return createProcessor({ handlers: createHandlers(sink), onOutcome: () => {} });
}

test("Acadle's documented course completion marks the course complete in the CRM", async () => {
  const sink = recordingSink();
  const outcome = await deliver(processorWith(sink), fixtures.user_course_completed);
  assert.equal(outcome.result, 'handled', String(outcome.error));
  assert.equal(sink.actions.length, 1);
  assert.equal(sink.actions[0].kind, 'crm.mark_course_complete');
  assert.equal(sink.actions[0].idempotencyKey, 'bDJOU0M0MQ==:course-complete');
});

test('a course completion keeps the member and the course', async () => {
  const sink = recordingSink();
  const event = createEvent('user_course_completed', { data: { user: { email: 'ada@example.com' } } });
  const outcome = await deliver(processorWith(sink), event);
  assert.equal(outcome.result, 'handled', String(outcome.error));
  assert.equal(sink.actions[0].payload.email, 'ada@example.com');
  assert.equal(sink.actions[0].idempotencyKey, `${event.id}:course-complete`);
});

test("an academy's delivery names its academy on the action, and keys it apart from another academy's same id", async () => {
  const sink = recordingSink();
  const outcome = await deliver(processorWith(sink), fixtures.user_course_completed, { academy: 'north' });
  assert.equal(outcome.result, 'handled', String(outcome.error));
  assert.equal(sink.actions[0].academy, 'north');
  assert.equal(sink.actions[0].idempotencyKey, 'north:bDJOU0M0MQ==:course-complete');
});

test('every event type with a handler is handled and sends an action', async () => {
  for (const type of Object.keys(createHandlers(recordingSink()))) {
    const sink = recordingSink();
    const outcome = await deliver(processorWith(sink), createEvent(type));
    assert.equal(outcome.result, 'handled', `${type}: ${String(outcome.error)}`);
    assert.ok(sink.actions.length >= 1, `${type} sent no action`);
  }
});

test('a sink that throws fails the attempt, so that the queue retries it', async () => {
  const failing = {
    send: async () => {
      throw new Error('CRM unavailable');
    },
  };
  const outcome = await deliver(processorWith(failing), createEvent('user_course_completed'));
  assert.equal(outcome.result, 'failed');
  assert.match(String(outcome.error), /CRM unavailable/);
});
