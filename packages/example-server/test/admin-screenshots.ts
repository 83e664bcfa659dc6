// pnpm --filter acadle-webhooks-example-server screenshots
// Takes the screenshots of docs/operations.md: the reference server (embedded default) with a few
// deliveries, one of them a dead letter, shown in Debian's Chromium. Writes docs/images/*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEvent } from 'acadle-webhooks/testing';
import { chromium } from 'playwright-core';
import { ADMIN_PASSWORD, startAdminFixture } from './admin-fixture.js';

// Run from the package folder, as `pnpm screenshots` runs it.
const out = join(process.cwd(), '..', '..', 'docs', 'images');
mkdirSync(out, { recursive: true });
const admin = await startAdminFixture();
try {
  const learners = [
    ['jane@example.com', 4711, 'Jane Doe'],
    ['omar@example.com', 4712, 'Omar Haddad'],
    ['li@example.com', 4713, 'Li Wei'],
  ] as const;
  const events = learners.flatMap(([email, id, name], index) => [
    createEvent('user_registered', { data: { user: { id, email, name } } }),
    createEvent('user_lessons_completed', {
      data: { user: { id, email, name }, course: { id: 30 + index }, lesson: { id: 300 + index } },
    }),
    createEvent('user_course_completed', { data: { user: { id, email, name }, course: { id: 30 + index } } }),
  ]);
  for (const event of events) await admin.send(event);
  for (const event of events) await admin.waitForStatus(event.id, 'processed');
  admin.sink.up = false;
  const lost = createEvent('user_certificate_issued', {
    data: { user: { id: 4711, email: 'jane@example.com', name: 'Jane Doe' }, certificate: { id: 88 } },
  });
  await admin.send(lost);
  await admin.waitForStatus(lost.id, 'dead');

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const context = await browser.newContext({
    httpCredentials: { username: 'admin', password: ADMIN_PASSWORD },
    viewport: { width: 1280, height: 720 },
  });
  const page = await context.newPage();
  await page.goto(`${admin.target.url}/admin/deliveries?email=jane%40example.com`);
  await page.screenshot({ path: join(out, 'admin-deliveries-list.png'), fullPage: true });
  await page.goto(`${admin.target.url}/admin/deliveries/${encodeURIComponent(lost.id)}`);
  await page.screenshot({ path: join(out, 'admin-delivery-detail.png'), fullPage: true });
  await browser.close();
  console.log(`Wrote admin-deliveries-list.png and admin-delivery-detail.png to ${out}`);
} finally {
  await admin.stop();
}
