// The delivery log's admin API and page on the reference server as `pnpm start` runs it (embedded
// PostgreSQL): search, detail, replay, and the security of an admin surface (credentials, other
// origins, form tokens, escaping). The page in a real browser: admin-browser.slow.test.ts.
import { createEvent } from 'acadle-webhooks/testing';
import { waitFor } from 'acadle-webhooks-test-harness';
import { type AdminFixture, HOSTILE_EMAIL, HOSTILE_NAME, startAdminFixture } from './admin-fixture.js';
import { processedIds, startServer } from './server-process.js';

let admin: AdminFixture;
const jane = createEvent('user_course_completed', {
  data: { user: { id: 101, email: 'Jane@X.com' }, course: { id: 7 } },
});
const bob = createEvent('user_registered', { data: { user: { id: 102, email: 'bob@x.com' } } });
const hostile = createEvent('user_registered', {
  data: { user: { id: 103, name: HOSTILE_NAME, email: HOSTILE_EMAIL } },
});

beforeAll(async () => {
  admin = await startAdminFixture();
  for (const event of [jane, bob, hostile]) expect(await admin.send(event)).toBe(200);
  for (const event of [jane, bob, hostile]) await admin.waitForStatus(event.id, 'processed');
}, 120_000);
afterAll(async () => {
  await admin?.stop();
});

describe('the admin API', () => {
  it('answers 401 without the admin credentials, or with wrong ones', async () => {
    for (const authorization of [undefined, `Basic ${Buffer.from('admin:wrong-password').toString('base64')}`]) {
      const response = await fetch(`${admin.target.url}/admin/api/deliveries`, {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Basic');
    }
    const replay = await fetch(`${admin.target.url}/admin/api/deliveries/replay`, { method: 'POST' });
    expect(replay.status).toBe(401);
  });

  it('searches by email (without case), user id, course id, type and status, newest first', async () => {
    const ids = async (query: string) => (await admin.list(query)).deliveries.map((entry) => entry.id);
    expect(await ids('email=jane@x.com')).toEqual([jane.id]);
    expect(await ids('user_id=102')).toEqual([bob.id]);
    expect(await ids('course_id=7&type=user_course_completed')).toEqual([jane.id]);
    expect(await ids('status=processed&type=user_registered')).toEqual([hostile.id, bob.id]);
    expect(await ids('status=dead')).toEqual([]);
    const page = await admin.list('limit=2');
    expect(page.deliveries).toHaveLength(2);
    expect(page.next).toEqual(expect.any(String));
    const rest = await admin.list(`limit=2&cursor=${encodeURIComponent(page.next as string)}`);
    expect(rest.deliveries.map((entry) => entry.id)).toEqual([jane.id]);
    expect(page.deliveries[0]).not.toHaveProperty('body');
  });

  it('refuses a bad filter with 400 and one line, never a 500', async () => {
    for (const [query, message] of [
      ['status=lost', 'status: "lost" is none of waiting, active, retrying, processed, dead'],
      ['since=last%20tuesday', 'since: not a time'],
      ['limit=many', 'limit: a whole number from 1 to 500'],
      ['cursor=forged', 'cursor: not a cursor this log made'],
      ['email=a&email=b', 'email: give it once, as text'],
    ]) {
      const { status, body } = await admin.api<{ error: string; message: string }>(`/admin/api/deliveries?${query}`);
      expect([status, body.error]).toEqual([400, 'invalid_query']);
      expect(body.message).toContain(message);
      expect(body.message).not.toContain('\n');
    }
  });

  it('returns one delivery in full: body, attempts, duplicates and conflicts', async () => {
    expect(await admin.send(jane)).toBe(200);
    expect(await admin.send({ ...jane, data: { ...jane.data, spoofed: true } })).toBe(200);
    const entry = await admin.entry(jane.id);
    expect(entry).toMatchObject({
      id: jane.id,
      type: 'user_course_completed',
      status: 'processed',
      email: 'jane@x.com',
      userId: '101',
      courseId: '7',
      duplicates: 2,
      conflicts: 1,
      body: JSON.stringify(jane),
    });
    expect(entry.attempts).toEqual([expect.objectContaining({ attempt: 1, durationMs: expect.any(Number) })]);
    await waitFor('the conflict logged as a warning', () =>
      admin.target.logs.some((line) => line.eventId === jane.id && String(line.msg).includes('different body')),
    );
    const missing = await admin.api<{ error: string }>('/admin/api/deliveries/no-such-event');
    expect([missing.status, missing.body.error]).toEqual([404, 'not_found']);
  });

  it('replays a processed delivery: its handler runs again, and the log records the replay', async () => {
    const before = processedIds(admin.target).filter((id) => id === bob.id).length;
    const dryRun = await admin.api('/admin/api/deliveries/replay', {
      method: 'POST',
      body: { filter: { user_id: '102' }, dryRun: true },
    });
    expect(dryRun).toEqual({ status: 200, body: { matched: 1 } });
    const replayed = await admin.api('/admin/api/deliveries/replay', { method: 'POST', body: { ids: [bob.id] } });
    expect(replayed).toEqual({ status: 200, body: { replayed: 1 } });
    await waitFor(
      'processed again',
      () => processedIds(admin.target).filter((id) => id === bob.id).length === before + 1,
    );
    await admin.waitForStatus(bob.id, 'processed');
    const entry = await admin.entry(bob.id);
    expect(entry.replays).toHaveLength(1);
    expect(entry.attempts).toHaveLength(2);
  });

  it('bulk-replays status=dead after a fix: each delivery processed once', async () => {
    admin.sink.up = false;
    const broken = Array.from({ length: 3 }, () => createEvent('user_lessons_completed'));
    for (const event of broken) expect(await admin.send(event)).toBe(200);
    for (const event of broken) await admin.waitForStatus(event.id, 'dead');
    admin.sink.up = true;
    const { body } = await admin.api('/admin/api/deliveries/replay', {
      method: 'POST',
      body: { filter: { status: 'dead', type: 'user_lessons_completed' } },
    });
    expect(body).toEqual({ replayed: 3 });
    for (const event of broken) await admin.waitForStatus(event.id, 'processed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const event of broken) expect(processedIds(admin.target).filter((id) => id === event.id)).toHaveLength(1);
    expect((await admin.list('status=dead')).deliveries).toEqual([]);
  });

  it.each([
    ['a malformed JSON body', '{"ids": [', undefined, 'bad_request'],
    ['an empty object', {}, undefined, 'invalid_replay'],
    ['an empty filter', { filter: {} }, undefined, 'invalid_replay'],
    ['ids that are not text', { ids: [1, 2] }, undefined, 'invalid_replay'],
    ['a body that is not JSON', 'ids=1', 'text/plain', 'invalid_replay'],
  ])('refuses a replay with %s: 400, one line', async (_, body, contentType, error) => {
    const response = await admin.api<{ error: string; message: string }>('/admin/api/deliveries/replay', {
      method: 'POST',
      body,
      headers: contentType ? { 'content-type': contentType } : {},
    });
    expect([response.status, response.body.error]).toEqual([400, error]);
  });

  it.each([
    ['an Origin of another site', { origin: 'http://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (another subdomain)', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a replay from %s with 403', async (_, headers) => {
    const response = await admin.api<{ error: string }>('/admin/api/deliveries/replay', {
      method: 'POST',
      body: { ids: [bob.id] },
      headers,
    });
    expect([response.status, response.body.error]).toEqual([403, 'cross_origin']);
  });

  it('takes a replay from its own origin', async () => {
    const response = await admin.api('/admin/api/deliveries/replay', {
      method: 'POST',
      body: { ids: [bob.id], dryRun: true },
      headers: { origin: admin.target.url, 'sec-fetch-site': 'same-origin' },
    });
    expect(response).toEqual({ status: 200, body: { matched: 1 } });
  });
});

describe('the admin page', () => {
  const page = (path: string, init: RequestInit = {}) =>
    fetch(`${admin.target.url}${path}`, {
      redirect: 'manual',
      ...init,
      headers: {
        authorization: `Basic ${Buffer.from('admin:admin-password-4567').toString('base64')}`,
        ...init.headers,
      },
    });

  it('lists with the filters in the URL, under a policy that runs no script', async () => {
    const response = await page('/admin/deliveries?email=jane@x.com');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const text = await response.text();
    expect(text).toContain(`href="/admin/deliveries/${encodeURIComponent(jane.id)}"`);
    expect(text).not.toContain(bob.id);
    expect(text).toContain('value="jane@x.com"');
  });

  it('escapes payload text everywhere: in the list and on the detail page', async () => {
    for (const path of ['/admin/deliveries', `/admin/deliveries/${encodeURIComponent(hostile.id)}`]) {
      const text = await (await page(path)).text();
      expect(text).not.toContain('<script>window');
      expect(text).not.toContain('<img src=x');
      expect(text).toContain('&lt;img src=x onerror=&quot;window.__pwned=3&quot;&gt;@x.com');
    }
  });

  it('refuses a form without the token it served, and replays with it (303 back to the delivery)', async () => {
    const form = (fields: Record<string, string>) =>
      page('/admin/deliveries/replay', {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    expect((await form({ ids: jane.id })).status).toBe(403);
    expect((await form({ ids: jane.id, csrf: 'guessed' })).status).toBe(403);
    const detail = await (await page(`/admin/deliveries/${encodeURIComponent(jane.id)}`)).text();
    const csrf = detail.match(/name="csrf" value="([^"]+)"/)?.[1] as string;
    const response = await form({ ids: jane.id, csrf });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/deliveries/${encodeURIComponent(jane.id)}?replayed=1`);
    await waitFor('replayed', async () => (await admin.entry(jane.id)).replays.length === 1);
  });

  it('answers 404 for a delivery the log does not have', async () => {
    expect((await page('/admin/deliveries/no-such-event')).status).toBe(404);
  });
});

describe('without ADMIN_PASSWORD', () => {
  it('serves no admin at all', async () => {
    const target = await startServer({ QUEUE_BACKEND: 'memory', WEBHOOK_TOKENS: 'memory_token_0123456789abcd' });
    try {
      for (const path of ['/admin/deliveries', '/admin/api/deliveries', '/admin/queues'])
        expect((await fetch(`${target.url}${path}`)).status).toBe(404);
    } finally {
      await target.stop('SIGTERM');
    }
  });
});

describe('with several academies', () => {
  it('tells the same event id from two academies apart: list links, the API, the page, and a replay from it', async () => {
    const NORTH = 'north_admin_token_0123456';
    const SOUTH = 'south_admin_token_0123456';
    const authorization = `Basic ${Buffer.from('admin:admin-password-1').toString('base64')}`;
    const target = await startServer({
      QUEUE_BACKEND: 'memory',
      WEBHOOK_TOKENS: `north=${NORTH},south=${SOUTH}`,
      ADMIN_PASSWORD: 'admin-password-1',
    });
    const get = (path: string, init: RequestInit = {}) =>
      fetch(`${target.url}${path}`, {
        ...init,
        headers: { authorization, origin: target.url, ...(init.headers as Record<string, string>) },
      });
    try {
      const event = createEvent('user_registered');
      for (const token of [NORTH, SOUTH])
        expect(
          (await fetch(`${target.url}/webhooks/acadle/${token}`, { method: 'POST', body: JSON.stringify(event) }))
            .status,
        ).toBe(200);
      await waitFor('both processed', () => processedIds(target).length === 2);
      const id = encodeURIComponent(event.id);
      const list = await (await get('/admin/deliveries')).text();
      expect(list).toContain(`href="/admin/deliveries/${id}?academy=north"`);
      expect(list).toContain(`href="/admin/deliveries/${id}?academy=south"`);
      const south = (await (await get(`/admin/api/deliveries/${id}?academy=south`)).json()) as { academy: string };
      expect(south.academy).toBe('south');
      expect((await get(`/admin/api/deliveries/${id}?academy=east`)).status).toBe(404);
      const detail = await (await get(`/admin/deliveries/${id}?academy=south`)).text();
      const csrf = detail.match(/name="csrf" value="([^"]+)"/)?.[1] as string;
      const replay = await get('/admin/deliveries/replay', {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, ids: event.id, academy: 'south' }),
      });
      expect(replay.status).toBe(303);
      expect(replay.headers.get('location')).toBe(`/admin/deliveries/${id}?academy=south&replayed=1`);
      const replays = async (academy: string) =>
        ((await (await get(`/admin/api/deliveries/${id}?academy=${academy}`)).json()) as { replays: string[] }).replays;
      await waitFor('south replayed', async () => (await replays('south')).length === 1);
      expect(await replays('north')).toEqual([]);
    } finally {
      await target.stop('SIGTERM');
    }
  });
});
