// The example of README.md's "Testing your handlers" section, run by Jest so that it keeps working.
// The README imports `test` from node:test; Jest's `test` is a global. The last test keeps the two the same.
import assert from 'node:assert/strict';
import { createProcessor, type EventHandler } from 'acadle-webhooks';
import { createEvent, deliver } from 'acadle-webhooks/testing';

// In your app: handlers/user-registered.ts, which gets its CRM client passed in.
interface Crm {
  addContact(contact: { email: string; name: string }): Promise<void>;
}
const userRegistered =
  (crm: Crm): EventHandler<'user_registered'> =>
  async (event) => {
    const { email, name } = event.data.user;
    await crm.addContact({ email, name });
  };

test('adds each new member to the CRM', async () => {
  const contacts: { email: string; name: string }[] = [];
  const crm: Crm = { addContact: async (contact) => void contacts.push(contact) };
  const processor = createProcessor({ handlers: { user_registered: userRegistered(crm) } });

  const user = { email: 'ada@example.com', name: 'Ada Lovelace' };
  const outcome = await deliver(processor, createEvent('user_registered', { data: { user } }));

  assert.equal(outcome.result, 'handled');
  assert.deepEqual(contacts, [user]);
});

test('fails when the CRM is down, so that the queue retries', async () => {
  const down = new Error('CRM down');
  const crm: Crm = { addContact: () => Promise.reject(down) };
  const processor = createProcessor({ handlers: { user_registered: userRegistered(crm) } });

  const outcome = await deliver(processor, createEvent('user_registered'));

  assert.equal(outcome.result, 'failed');
  assert.equal(outcome.error, down);
});
// End of the README example.

test('is the example of the README, but for the import of node:test', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Testing your handlers\n'));
  const example = /^```ts\n([\s\S]*?)^```$/m.exec(section)?.[1] ?? '';
  const source = readFileSync(__filename, 'utf8');
  const code = source.slice(source.indexOf('\nimport ') + 1, source.indexOf('// End of the README example.'));
  expect(example.replace("import { test } from 'node:test';\n", '')).toBe(code);
});
