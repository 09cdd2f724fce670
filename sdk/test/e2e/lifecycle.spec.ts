/**
 * Modern page lifecycles and hostile pages (issue 4): SPA navigations and back/forward counted once
 * each, (back/forward-cache restores: bfcache.spec.ts) a page that throws and blocks storage still tracked,
 * and the loader snippet's queued calls replayed.
 */
import { readFileSync } from 'node:fs';
import { EVENTS_OF_VISITOR, expect, PAGEVIEWS_OF_VISITOR, servePage, test, visitorId, waitForRows } from './support.js';

const path = (r: Record<string, unknown>) => String(r.url).replace(/^https?:\/\/[^/]+/, '');

// cl.core.js has no SPA tracking (an app calls page() itself): full only.
test(
  'SPA navigations and back/forward are page views once each; repeats of the same address are not',
  { tag: '@full' },
  async ({ page, request }) => {
    await page.goto('/demo/app.html');
    const visitor = await visitorId(page);
    await page.getByRole('link', { name: 'Sources' }).click();
    await page.evaluate(() => history.replaceState({}, '', location.href)); // same address: no view
    await page.getByRole('link', { name: 'Leads' }).click();
    await page.goBack();
    await expect(page).toHaveURL(/step=sources/);
    await page.goForward();
    await expect(page).toHaveURL(/step=leads/);
    const rows = await waitForRows(request, PAGEVIEWS_OF_VISITOR, { visitor }, 5);
    expect(rows.map(path)).toEqual([
      '/demo/app.html',
      '/demo/app.html?step=sources',
      '/demo/app.html?step=leads',
      '/demo/app.html?step=sources',
      '/demo/app.html?step=leads',
    ]);
  },
);

test('a page whose own code throws and blocks cookies and storage is still tracked', async ({ page, request }) => {
  await servePage(
    page,
    '**/e2e/hostile.html',
    `<!doctype html><html><head><title>Hostile</title><script>
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('blocked', 'SecurityError'); } });
      Object.defineProperty(Document.prototype, 'cookie', { get() { throw new DOMException('blocked', 'SecurityError'); }, set() { throw new DOMException('blocked', 'SecurityError'); } });
      setTimeout(() => { throw new Error('host error later'); });
      throw new Error('host error first');
    </script><script async src="/cl.js" data-site="pk_demo"></script></head><body><a href="#x">x</a></body></html>`,
  );
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/e2e/hostile.html');
  const visitor = await visitorId(page);
  await page.evaluate(() =>
    (window as unknown as { closeloop: { track(n: string): void } }).closeloop.track('still-here'),
  );
  const rows = await waitForRows(request, EVENTS_OF_VISITOR, { visitor }, 2);
  expect(rows.map((r) => r.name || r.type)).toEqual(expect.arrayContaining(['pageview', 'still-here']));
  await expect.poll(() => errors.sort()).toEqual(['host error first', 'host error later']); // only the page's own errors
});

test('the loader snippet queues calls made before cl.js arrived, and they are replayed', async ({ page, request }) => {
  const loader = readFileSync('dist/sdk/loader.js', 'utf8')
    .replace('https://collector.example.com/cl.js', '/cl.js')
    .replace('pk_YOUR_SITE_KEY', 'pk_demo');
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  // Hold cl.js back until the page has made its calls.
  await page.route('**/cl.js', async (route) => {
    await held;
    await route.fallback(); // to the network, or to the core variant (support.ts)
  });
  await servePage(
    page,
    '**/e2e/loader.html',
    `<!doctype html><html><head><title>Loader</title><script>${loader}</script><script>
      closeloop.track('early', { plan: 'pro' });
      closeloop.identify('Early.Bird@example.com', { source: 'loader' });
    </script></head><body>loader</body></html>`,
  );
  await page.goto('/e2e/loader.html', { waitUntil: 'domcontentloaded' }); // load waits for cl.js
  expect(await page.evaluate(() => (window as unknown as { closeloop: { q: unknown[] } }).closeloop.q)).toHaveLength(2);
  release();
  const visitor = await visitorId(page);
  const rows = await waitForRows(request, EVENTS_OF_VISITOR, { visitor }, 3);
  expect(rows.map((r) => [r.type, r.name])).toEqual(
    expect.arrayContaining([
      ['pageview', ''],
      ['custom', 'early'],
      ['identify', ''],
    ]),
  );
  expect(rows.find((r) => r.type == 'identify')).toMatchObject({
    email: 'early.bird@example.com',
    props: { source: 'loader' },
  });
  expect(rows.find((r) => r.name == 'early')!.props).toEqual({ plan: 'pro' });
});

test('leaving a page reports its visible time once (pagehide and visibilitychange both come)', async ({
  page,
  request,
}) => {
  await page.goto('/demo/pricing.html');
  const visitor = await visitorId(page);
  await page.waitForTimeout(300); // some visible time to report (not a timing assertion)
  await page.getByRole('link', { name: 'Blog' }).first().click();
  await expect(page).toHaveURL(/blog\.html$/);
  // A marker instead of a wait: once the blog page's view is stored it has had visible time; leave it
  // too. Its own report is sent a whole page later than the pricing page's exit, so once it is stored,
  // a second pricing report (sent in that same exit) would be stored as well.
  await waitForRows(
    request,
    EVENTS_OF_VISITOR.replace('ORDER BY', "AND type = 'pageview' AND path = '/demo/blog.html' ORDER BY"),
    { visitor },
    1,
  );
  await page.goto('/demo/app.html');
  await waitForRows(
    request,
    EVENTS_OF_VISITOR.replace('ORDER BY', "AND name = 'engagement' AND path = '/demo/blog.html' ORDER BY"),
    { visitor },
    1,
  );
  const rows = await waitForRows(
    request,
    EVENTS_OF_VISITOR.replace('ORDER BY', "AND name = 'engagement' ORDER BY"),
    { visitor },
    2,
  );
  const all = rows.filter((r) => path(r) === '/demo/pricing.html');
  expect(all, JSON.stringify(rows)).toHaveLength(1);
  expect(Number((all[0]!.props as Record<string, string>).ms)).toBeGreaterThan(0);
});
