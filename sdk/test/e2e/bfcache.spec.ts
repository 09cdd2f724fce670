/**
 * Back/forward-cache restores are page views (issue 4). Playwright turns the cache off by default:
 * this file's browser keeps it on, as real browsers have it.
 */
import config from '../../../playwright.config.js';
import { expect, PAGEVIEWS_OF_VISITOR, test, visitorId, waitForRows } from './support.js';

test.use({ launchOptions: { ...config.use!.launchOptions, ignoreDefaultArgs: ['--disable-back-forward-cache'] } });

const path = (r: Record<string, unknown>) => String(r.url).replace(/^https?:\/\/[^/]+/, '');

test('a page restored from the back/forward cache is counted', async ({ page, request }) => {
  await page.goto('/demo/pricing.html');
  const visitor = await visitorId(page);
  await page.evaluate(() =>
    addEventListener('pageshow', (e) => ((window as unknown as { restored: boolean }).restored = e.persisted)),
  );
  await page.goto('/demo/blog.html');
  await page.goBack({ waitUntil: 'commit' }); // a restore fires no load event
  // Chromium restored it from the cache (the SDK does nothing that blocks the cache: no unload handler).
  await expect.poll(() => page.evaluate(() => (window as unknown as { restored?: boolean }).restored)).toBe(true);
  const rows = await waitForRows(request, PAGEVIEWS_OF_VISITOR, { visitor }, 3);
  expect(rows.map(path)).toEqual(['/demo/pricing.html', '/demo/blog.html', '/demo/pricing.html']);
});
