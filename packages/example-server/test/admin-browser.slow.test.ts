// The delivery log's page in a real browser: Debian's Chromium, driven by playwright-core (nothing
// downloads a browser). The list filtered by email, a detail page, a replay from the page, a bulk
// replay confirmed first, and payload text that would run script if it were not escaped.
import { createEvent } from 'acadle-webhooks/testing';
import { waitFor } from 'acadle-webhooks-test-harness';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { ADMIN_PASSWORD, type AdminFixture, HOSTILE_EMAIL, HOSTILE_NAME, startAdminFixture } from './admin-fixture.js';
import { processedIds } from './server-process.js';

let admin: AdminFixture;
let browser: Browser;
let context: BrowserContext;
const jane = createEvent('user_course_completed', {
  data: { user: { id: 201, email: 'jane@x.com' }, course: { id: 9 } },
});
const bob = createEvent('user_registered', { data: { user: { id: 202, email: 'bob@x.com' } } });
const hostile = createEvent('user_registered', {
  data: { user: { id: 203, name: HOSTILE_NAME, email: HOSTILE_EMAIL } },
});
const dialogs: string[] = [];

beforeAll(async () => {
  admin = await startAdminFixture();
  for (const event of [bob, jane, hostile]) expect(await admin.send(event)).toBe(200);
  for (const event of [bob, jane, hostile]) await admin.waitForStatus(event.id, 'processed');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  context = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_PASSWORD } });
  context.on('page', (page) => page.on('dialog', (dialog) => void dialogs.push(dialog.message())));
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await admin?.stop();
});

const rowIds = async (page: import('playwright-core').Page) =>
  page.locator('table.deliveries tbody tr td:nth-child(2) a').allTextContents();

describe('the delivery log page in Chromium', () => {
  it('filters the list by email, with the filter in the URL (a link that opens in a new tab)', async () => {
    const page = await context.newPage();
    await page.goto(`${admin.target.url}/admin/deliveries`);
    expect(await rowIds(page)).toEqual([hostile.id, jane.id, bob.id]);
    await page.fill('input[name="email"]', 'jane@x.com');
    await page.click('button[type="submit"]:has-text("Search")');
    await page.waitForURL(/email=jane%40x\.com/);
    expect(await rowIds(page)).toEqual([jane.id]);

    const shared = await context.newPage();
    await shared.goto(page.url());
    expect(await rowIds(shared)).toEqual([jane.id]);
    expect(await shared.inputValue('input[name="email"]')).toBe('jane@x.com');
  });

  it('shows a delivery: the learner, the attempts, the parsed event and the raw body', async () => {
    const page = await context.newPage();
    await page.goto(`${admin.target.url}/admin/deliveries?course_id=9`);
    await page.click(`a:has-text("${jane.id}")`);
    await page.waitForURL(new RegExp(`/admin/deliveries/${encodeURIComponent(jane.id)}$`));
    expect(await page.locator('h1').textContent()).toContain(jane.id);
    expect(await page.locator('h1 .status').textContent()).toBe('processed');
    expect(await page.locator('dl.fields').textContent()).toContain('jane@x.com');
    expect(await page.locator('table.attempts tbody tr').count()).toBe(1);
    expect(await page.locator('table.attempts tbody').textContent()).toContain('processed');
    expect(JSON.parse((await page.locator('pre.json').textContent()) ?? '')).toMatchObject({ course: { id: 9 } });
    expect(await page.locator('pre.body').textContent()).toBe(JSON.stringify(jane));
  });

  it('replays a processed delivery from its page: the handler runs again', async () => {
    const before = processedIds(admin.target).filter((id) => id === bob.id).length;
    const page = await context.newPage();
    await page.goto(`${admin.target.url}/admin/deliveries/${encodeURIComponent(bob.id)}`);
    await page.click('button:has-text("Replay this delivery")');
    await page.waitForURL(/replayed=1$/);
    expect(await page.locator('.notice').textContent()).toBe('Replayed 1 delivery.');
    await waitFor(
      'processed again',
      () => processedIds(admin.target).filter((id) => id === bob.id).length === before + 1,
    );
    await admin.waitForStatus(bob.id, 'processed');
    await page.reload();
    expect(await page.locator('table.attempts tbody tr').count()).toBe(2);
    expect(await page.locator('dl.fields').textContent()).toMatch(/Replayed\d{4}-/);
  });

  it('bulk-replays what a filter matches, after showing the count', async () => {
    admin.sink.up = false;
    const broken = [createEvent('user_badge_updated'), createEvent('user_badge_updated')];
    for (const event of broken) expect(await admin.send(event)).toBe(200);
    for (const event of broken) await admin.waitForStatus(event.id, 'dead');
    admin.sink.up = true;
    const page = await context.newPage();
    await page.goto(`${admin.target.url}/admin/deliveries?status=dead`);
    expect((await rowIds(page)).sort()).toEqual(broken.map((event) => event.id).sort());
    await page.click('button:has-text("Replay everything this filter matches")');
    expect(await page.locator('h1').textContent()).toBe('Replay 2 deliveries?');
    await page.click('button:has-text("Replay 2")');
    await page.waitForURL(/status=dead&replayed=2$/);
    expect(await page.locator('.notice').textContent()).toBe('Replayed 2 deliveries.');
    for (const event of broken) await admin.waitForStatus(event.id, 'processed');
    await page.reload();
    expect(await rowIds(page)).toEqual([]);
  });

  it('shows a payload carrying <img onerror> and <script> as text: nothing runs', async () => {
    const page = await context.newPage();
    for (const path of [
      '/admin/deliveries',
      `/admin/deliveries?user_id=203`,
      `/admin/deliveries/${encodeURIComponent(hostile.id)}`,
    ]) {
      await page.goto(`${admin.target.url}${path}`);
      await page.waitForLoadState('load');
      expect(await page.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(await page.locator('main img, main script').count()).toBe(0);
    }
    expect(await page.locator('dl.fields').textContent()).toContain(HOSTILE_EMAIL);
    expect(JSON.parse((await page.locator('pre.json').textContent()) ?? '').user.name).toBe(HOSTILE_NAME);
    expect(await page.locator('pre.body').textContent()).toBe(JSON.stringify(hostile));
    expect(dialogs).toEqual([]);
  });
});
