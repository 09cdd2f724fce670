/**
 * Delivery that survives exits and bad networks (issue 4), against the real collector: events fired
 * as the visitor leaves are stored; events made offline arrive once back online; 5xx is retried until
 * accepted, 400 is never retried.
 */
import {
  acceptedEventIds,
  EVENTS_OF_VISITOR,
  eventsOf,
  expect,
  spaNavigated,
  test,
  visitorId,
  waitForRows,
} from './support.js';

const batchOf = (body: string | null) => ({ events: eventsOf(body) });

test(
  'a click on a link followed at once by leaving the page is stored',
  { tag: '@full' },
  async ({ page, request }) => {
    await page.goto('/demo/');
    const visitor = await visitorId(page);
    // An outbound-style click, then the page is left before any timer could flush it.
    await page.getByRole('link', { name: 'Pricing' }).first().click();
    await page.goto('about:blank');
    const rows = await waitForRows(
      request,
      EVENTS_OF_VISITOR.replace('ORDER BY', "AND name = 'click' ORDER BY"),
      { visitor },
      1,
    );
    expect(rows[0]!.props).toMatchObject({ kind: 'link' });
  },
);

test('events made offline are kept and arrive once when back online', async ({ page, context, request }) => {
  const accepted = acceptedEventIds(page);
  await page.goto('/demo/app.html');
  const visitor = await visitorId(page);
  await expect.poll(() => accepted.flat().length).toBeGreaterThan(0); // the first page view is in
  await context.setOffline(true);
  await page.getByRole('link', { name: 'Sources' }).click();
  await spaNavigated(page, /step=sources/);
  await page.getByRole('link', { name: 'Leads' }).click();
  await spaNavigated(page, /step=leads/);
  await page.evaluate(() =>
    (window as unknown as { closeloop: { track(n: string): void } }).closeloop.track('offline-action'),
  );
  // The outbox keeps them in localStorage while the network is down.
  await expect.poll(() => page.evaluate(() => JSON.parse(localStorage._cl_b || '[]').length)).toBeGreaterThanOrEqual(3);
  await context.setOffline(false);
  const rows = await waitForRows(
    request,
    EVENTS_OF_VISITOR.replace('ORDER BY', "AND (type = 'pageview' OR name = 'offline-action') ORDER BY"),
    { visitor },
    4,
  );
  expect(rows.map((r) => (r.type == 'pageview' ? String(r.url).split('/demo/')[1] : r.name))).toEqual([
    'app.html',
    'app.html?step=sources',
    'app.html?step=leads',
    'offline-action',
  ]);
  const ids = accepted.flat();
  expect(new Set(ids).size).toBe(ids.length); // none sent (and accepted) twice
  await expect.poll(() => page.evaluate(() => JSON.parse(localStorage._cl_b || '[]').length)).toBe(0);
});

test('the collector failing twice with 500, then recovering: events arrive once', async ({ page, request }) => {
  let failures = 0;
  const passed: string[] = [];
  await page.route('**/v1/events', async (route) => {
    if (failures < 2) {
      failures++;
      return route.fulfill({
        status: 500,
        contentType: 'application/json',
        body: '{"statusCode":500,"code":"CL_INTERNAL"}',
      });
    }
    passed.push(...batchOf(route.request().postData()).events.map((e) => e.id));
    return route.continue();
  });
  await page.goto('/demo/pricing.html');
  const visitor = await visitorId(page);
  const rows = await waitForRows(
    request,
    EVENTS_OF_VISITOR.replace('ORDER BY', "AND type = 'pageview' ORDER BY"),
    { visitor },
    1,
  );
  expect(failures).toBe(2);
  expect(rows).toHaveLength(1);
  expect(passed.filter((id) => id == rows[0]!.id)).toHaveLength(1);
});

test('the collector answering 400 is not retried', async ({ page, request }) => {
  const seen: ReturnType<typeof batchOf>[] = [];
  await page.route('**/v1/events', async (route) => {
    const batch = batchOf(route.request().postData());
    seen.push(batch);
    if (seen.length == 1)
      return route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: '{"statusCode":400,"code":"CL_INVALID_EVENT"}',
      });
    return route.continue();
  });
  await page.goto('/demo/blog.html');
  const visitor = await visitorId(page);
  await expect.poll(() => seen.length).toBe(1);
  const rejected = seen[0]!.events.map((e) => e.id);
  await page.evaluate(() =>
    (window as unknown as { closeloop: { track(n: string): void } }).closeloop.track('after-400'),
  );
  await waitForRows(request, EVENTS_OF_VISITOR.replace('ORDER BY', "AND name = 'after-400' ORDER BY"), { visitor }, 1);
  // Every later request carried only new events.
  expect(
    seen
      .slice(1)
      .flatMap((b) => b.events.map((e) => e.id))
      .filter((id) => rejected.includes(id)),
  ).toEqual([]);
  expect(await page.evaluate(() => JSON.parse(localStorage._cl_b || '[]').length)).toBe(0);
});
