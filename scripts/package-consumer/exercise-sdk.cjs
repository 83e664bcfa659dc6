// Uses the installed package the way the README does, with whichever build loaded it: usage.mjs
// passes the ES modules, usage.cjs the CommonJS ones. Throws on any difference from the contract.
const assert = require('node:assert/strict');
const { once } = require('node:events');

const TOKEN = 'check-package-token-0123456789';

module.exports = async function exerciseSdk({ core, expressAdapter, testing, express }) {
  const { createProcessor, createReceiver, MemoryQueue, parseEvent } = core;
  const { createEvent, fixtures } = testing;

  const parsed = parseEvent(fixtures.user_course_completed);
  assert.ok(parsed.ok && parsed.event.known && parsed.event.type === 'user_course_completed', 'parseEvent');
  assert.ok(parsed.event.data.course.completed_at instanceof Date, 'completed_at is a Date');
  const registered = parseEvent(createEvent('user_registered', { data: { user: { id: '17' } } }));
  assert.equal(registered.ok && registered.event.data.user.id, 17, 'numeric ids sent as strings become numbers');

  const completions = [];
  const processor = createProcessor({
    handlers: { user_course_completed: (event) => void completions.push(event.data.course.completed_at) },
  });
  const queue = new MemoryQueue({ processor });
  const receiver = createReceiver({ queue, auth: { tokens: [TOKEN] } });
  const answer = await receiver.handle({
    method: 'POST',
    url: `/${TOKEN}`,
    headers: { 'content-type': 'application/json' },
    body: fixtures.user_course_completed,
  });
  assert.equal(answer.status, 200, `receiver answered ${answer.status} ${answer.body}`);
  await queue.idle();
  assert.ok(completions[0] instanceof Date, 'the handler received completed_at as a Date');

  const app = express();
  const stored = new MemoryQueue({ processor: () => {} });
  app.use(expressAdapter.createExpressMiddleware({ queue: stored, auth: { tokens: [TOKEN] } }));
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const response = await fetch(`http://127.0.0.1:${server.address().port}/webhooks/acadle/${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: fixtures.user_course_completed,
    });
    const body = await response.json();
    assert.equal(response.status, 200, `Express adapter answered ${response.status} ${JSON.stringify(body)}`);
    assert.equal(body.received, true);
  } finally {
    server.close();
    await Promise.all([queue.close(), stored.close()]);
  }
  return { completedAt: completions[0].toISOString() };
};
