/**
 * The visitor cookie lives on the registrable domain (issue 4): shared by www.shop.test and
 * blog.shop.test, never set on a public suffix (co.uk); the domain found is remembered for the
 * browser session. Chromium's host resolver maps the test domains to this machine; the collector
 * serves the demo pages on them.
 */
import config, { E2E_PORT } from '../../../playwright.config.js';
import { expect, test } from './support.js';

const launch = config.use!.launchOptions!;
test.use({
  launchOptions: {
    ...launch,
    args: [...launch.args!, '--host-resolver-rules=MAP *.shop.test 127.0.0.1, MAP *.shop.co.uk 127.0.0.1'],
  },
});

const vid = (page: import('@playwright/test').Page) =>
  page
    .waitForFunction(() =>
      (window as unknown as { closeloop?: { getVisitorId?(): string } }).closeloop?.getVisitorId?.(),
    )
    .then((h) => h.jsonValue());

test('one visitor cookie across two subdomains of a site', async ({ page, context }) => {
  await page.goto(`http://www.shop.test:${E2E_PORT}/demo/`);
  const visitor = await vid(page);
  await page.goto(`http://blog.shop.test:${E2E_PORT}/demo/blog.html`);
  expect(await vid(page)).toBe(visitor);
  const cookie = (await context.cookies()).find((c) => c.name == '_cl_vid')!;
  expect(cookie).toMatchObject({ value: visitor, domain: '.shop.test', sameSite: 'Lax', path: '/' });
  expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(390 * 86_400_000);
  // The session cookie outlives 30 minutes without activity, not the browser session (cl.core.js
  // writes max-age, which a browser ignores unless it is a whole number of seconds).
  const session = (await context.cookies()).find((c) => c.name == '_cl_ses')!;
  expect(session.expires * 1000 - Date.now()).toBeGreaterThan(30 * 60_000);
  expect(session.expires * 1000 - Date.now()).toBeLessThan(60 * 60_000);
  // Both variants store a value as encodeURIComponent writes it (storage/cookie.ts): the same bytes.
  expect(session.value).toMatch(/^%5B%22[\da-f-]{36}%22%2C\d+%2C%22%22%2C\d+%5D$/);
  // The domain found by the first page, for later pages of this browser session (no probe): no identifier.
  const domain = (await context.cookies()).find((c) => c.name == '_cl_t')!;
  expect(domain).toMatchObject({ value: 'shop.test', domain: '.shop.test', expires: -1 });
});

test('never on a public suffix: under co.uk the cookie is on the site domain', async ({ page, context }) => {
  await page.goto(`http://www.shop.co.uk:${E2E_PORT}/demo/`);
  await vid(page);
  const domains = (await context.cookies()).filter((c) => c.name.startsWith('_cl_')).map((c) => c.domain);
  expect(domains.length).toBeGreaterThan(0);
  expect(new Set(domains)).toEqual(new Set(['.shop.co.uk']));
});

test('a page reads document.cookie once as it loads, the first page of a site once more for the domain probe', async ({
  page,
}) => {
  // Counts the SDK's reads of document.cookie (a read after a write waits on the browser process).
  await page.addInitScript(() => {
    const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
    const w = window as unknown as { sdkCookieReads: number };
    w.sdkCookieReads = 0;
    Object.defineProperty(Document.prototype, 'cookie', {
      ...cookie,
      get() {
        if (/\/cl(\.core)?\.js/.test(new Error().stack!)) w.sdkCookieReads++;
        return cookie.get!.call(this);
      },
    });
  });
  const reads = () => page.evaluate(() => (window as unknown as { sdkCookieReads: number }).sdkCookieReads);
  await page.goto(`http://www.shop.test:${E2E_PORT}/demo/`);
  await vid(page);
  // consent, visitor and session cookies in one read; the probe of shop.test reads its cookie back
  expect(await reads()).toBe(2);
  await page.goto(`http://blog.shop.test:${E2E_PORT}/demo/blog.html`);
  await vid(page);
  expect(await reads()).toBe(1);
});
