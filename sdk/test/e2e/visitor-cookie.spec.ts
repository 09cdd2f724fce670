/**
 * The collector's own visitor cookie (issue 4; collector/src/ingest/visitor-cookie.ts): Safari caps
 * script-set cookies at 7 days, so the collector served first-party (here: the demo, same host)
 * keeps the visitor id in an HttpOnly cookie set by its event answers. Deleting the script's cookie
 * and reloading gives the same visitor id back, later events carry it, and the events the reloaded
 * page sent with the new id the SDK made meanwhile are stored under the known id too: one visitor.
 */
import { EVENTS_OF_VISITOR, eventsOf, expect, query, test, visitorId, waitForRows } from './support.js';

test('the server-set cookie restores the visitor id after the script cookie is deleted', async ({
  page,
  context,
  request,
}) => {
  await page.goto('/demo/');
  const visitor = await visitorId(page);
  // The first batch's answer sets the collector's cookie.
  await expect
    .poll(async () => (await context.cookies()).find((c) => c.name == '_cl_sid')?.value, { timeout: 15_000 })
    .toBe(visitor);
  const server = (await context.cookies()).find((c) => c.name == '_cl_sid')!;
  expect(server).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(server.expires * 1000 - Date.now()).toBeGreaterThan(390 * 86_400_000);
  // Scripts cannot read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain('_cl_sid');

  // What Safari does to script-set cookies after 7 days.
  await context.clearCookies({ name: '_cl_vid' });
  // Every event the reloaded page sends, as sent.
  const sent: { id: string; visitor_id: string }[] = [];
  let reloaded = false;
  page.on('request', (req) => {
    if (!reloaded || !req.url().endsWith('/v1/events') || req.method() != 'POST') return;
    sent.push(...eventsOf(req.postData()));
  });
  page.on('framenavigated', (frame) => {
    if (frame == page.mainFrame()) reloaded = true;
  });
  await page.reload();
  // The SDK starts with a new id; the first answer names the known one and the SDK adopts it.
  await expect.poll(() => visitorId(page), { timeout: 15_000 }).toBe(visitor);
  expect((await context.cookies()).find((c) => c.name == '_cl_vid')?.value).toBe(visitor);

  await page.evaluate(() =>
    (window as unknown as { closeloop: { track(n: string): void } }).closeloop.track('after-restore'),
  );
  const rows = await waitForRows(
    request,
    EVENTS_OF_VISITOR.replace('ORDER BY', "AND name = 'after-restore' ORDER BY"),
    { visitor },
    1,
  );
  expect(rows[0]).toMatchObject({ type: 'custom', visitor });

  // The reloaded page's first batch carried the new id; the collector stored it under the known one.
  const fresh = [...new Set(sent.map((e) => e.visitor_id))].filter((v) => v != visitor);
  expect(fresh).toHaveLength(1);
  expect(sent.filter((e) => e.visitor_id == fresh[0]).length).toBeGreaterThan(0);
  const ids = sent.map((e) => `'${e.id}'`).join(', ');
  const stored = await waitForRows(
    request,
    `SELECT toString(visitor_id) AS visitor FROM events FINAL WHERE site_id = 'demo' AND event_id IN (${ids})`,
    {},
    sent.length,
  );
  expect(stored.map((r) => r.visitor)).toEqual(sent.map(() => visitor));
  expect(await query(request, EVENTS_OF_VISITOR, { visitor: fresh[0]! })).toEqual([]);
});
