/**
 * Consent modes (issue 8) in real Chromium against the real collector, on the demo's consent page
 * (examples/demo/consent.html: data-consent="required" data-cookieless data-respect-gpc, policy
 * 2026-05): nothing kept and no identifier before the grant (page views counted with the zero
 * UUID); after it, the visitor cookie and the landing campaign as first touch; after a withdrawal,
 * no cookie left and nothing sent but one denial without identifier; Global Privacy Control on →
 * denied. What is sent is read off the wire, what is kept off the browser, what is stored through
 * the collector's query API.
 */
import { randomUUID } from 'node:crypto';
import { type BrowserContext, type Page } from '@playwright/test';
import type { ClEvent } from '../../src/protocol.js';
import { eventsOf, expect, query, test, type Row, waitForRows } from './support.js';

const NIL = '00000000-0000-0000-0000-000000000000';
type Closeloop = {
  consent(c?: string): string | undefined;
  track(n: string): void;
  page(): void;
  getVisitorId(): string | undefined;
};

/** Every batch the page sends to /v1/events, with the cookies the request carried. */
function wire(page: Page): { events: ClEvent[]; cookies: string[] } {
  const seen = { events: [] as ClEvent[], cookies: [] as string[] };
  page.on('request', async (req) => {
    if (!req.url().endsWith('/v1/events')) return;
    seen.events.push(...eventsOf(req.postData()));
    seen.cookies.push((await req.allHeaders()).cookie ?? '');
  });
  return seen;
}

const ourCookies = async (context: BrowserContext) =>
  (await context.cookies()).filter((c) => c.name.startsWith('_cl_')).map((c) => `${c.name}=${c.value}`);
const ourStorage = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('_cl_')));
const consent = (page: Page, choice?: string) =>
  page.evaluate((c) => (window as unknown as { closeloop: Closeloop }).closeloop.consent(c), choice);
const sdkReady = (page: Page) =>
  page.waitForFunction(
    () => typeof (window as unknown as { closeloop?: Partial<Closeloop> }).closeloop?.consent == 'function',
  );

const landing = (campaign: string) =>
  `/demo/consent.html?utm_source=newsletter&utm_medium=email&utm_campaign=${campaign}`;
const EVENTS_OF_CAMPAIGN = `
  SELECT type, name, props, toString(visitor_id) AS visitor, toString(session_id) AS session, session_start,
         channel, utm_campaign, first_touch, path
  FROM events_with_touch
  WHERE site_id = 'demo' AND utm_campaign = {campaign:String}
  ORDER BY ts`;

test('consent required: before the choice nothing is kept and no request carries an identifier; page views counted with the zero UUID', async ({
  page,
  context,
  request,
}) => {
  const campaign = `pending-${randomUUID().slice(0, 8)}`;
  const sent = wire(page);
  await page.goto(landing(campaign));
  await sdkReady(page);
  expect(await consent(page)).toBe('pending');
  await expect(page.getByRole('dialog', { name: 'Your privacy' })).toBeVisible();
  await expect.poll(() => sent.events.length, { timeout: 10_000 }).toBe(1);
  await page.reload(); // a second page view, still pending
  await sdkReady(page);
  await expect.poll(() => sent.events.length, { timeout: 10_000 }).toBe(2);

  expect(await ourCookies(context)).toEqual([]);
  expect(await context.cookies()).toEqual([]);
  expect(await ourStorage(page)).toEqual([]);
  expect(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length])).toEqual(['', 0, 0]);
  expect(await consent(page)).toBe('pending');
  expect(
    await page.evaluate(() => (window as unknown as { closeloop: Closeloop }).closeloop.getVisitorId()),
  ).toBeUndefined();
  for (const e of sent.events) {
    expect(e).toMatchObject({ type: 'pageview', visitor_id: NIL, session_id: NIL });
    expect(e.first_touch).toBeUndefined();
  }
  expect(sent.cookies).toEqual(['', '']);

  // Counted: both page views are stored, with their campaign, and no identifier.
  const rows = await waitForRows(request, EVENTS_OF_CAMPAIGN, { campaign }, 2);
  expect(rows.map((r) => [r.type, r.visitor, r.session, r.channel, r.first_touch])).toEqual([
    ['pageview', NIL, NIL, 'Email', ''],
    ['pageview', NIL, NIL, 'Email', ''],
  ]);
});

test('granting: the visitor cookie exists and the landing campaign is the first touch', async ({
  page,
  context,
  request,
}) => {
  const campaign = `grant-${randomUUID().slice(0, 8)}`;
  await page.goto(landing(campaign));
  await sdkReady(page);
  expect(await ourCookies(context)).toEqual([]);

  await page.getByRole('dialog').getByRole('button', { name: 'Accept' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(await consent(page)).toBe('granted');
  const visitor = (await page.evaluate(() =>
    (window as unknown as { closeloop: Closeloop }).closeloop.getVisitorId(),
  ))!;
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name == '_cl_vid')?.value).toBe(visitor);
  const choice = cookies.find((c) => c.name == '_cl_consent')!;
  expect(choice.value).toBe('granted');
  expect(choice.expires * 1000 - Date.now()).toBeGreaterThan(360 * 86_400_000);

  // Next page, without any campaign in its URL: same visitor and session, the session keeps the landing's campaign; no notice.
  await page.goto('/demo/consent.html');
  await sdkReady(page);
  expect(await consent(page)).toBe('granted');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // (Leaving the first page also reported its visible time, a custom event `engagement`.)
  const rows = await waitForRows(
    request,
    EVENTS_OF_CAMPAIGN.replace('ORDER BY', "AND name != 'engagement' ORDER BY"),
    { campaign },
    3,
  );
  expect(rows.map((r) => r.type)).toEqual(['pageview', 'consent', 'pageview']);
  const [pending, grant, next] = rows as [Row, Row, Row];
  expect(pending).toMatchObject({ type: 'pageview', visitor: NIL }); // counted cookieless before the choice
  expect(grant).toMatchObject({
    type: 'consent',
    name: 'granted',
    props: { policy: '2026-05' },
    visitor,
    session_start: true,
    channel: 'Email',
    utm_campaign: campaign,
  });
  expect(JSON.parse(String(grant.first_touch))).toMatchObject({
    utm_source: 'newsletter',
    utm_medium: 'email',
    utm_campaign: campaign,
  });
  expect(next).toMatchObject({
    type: 'pageview',
    path: '/demo/consent.html',
    visitor,
    session: grant.session,
    session_start: false,
    channel: 'Email',
  });
});

test('withdrawal: the cookies and storage are gone, one denial without identifier is sent, then nothing', async ({
  page,
  context,
  request,
}) => {
  const campaign = `withdraw-${randomUUID().slice(0, 8)}`;
  await page.goto(landing(campaign));
  await sdkReady(page);
  await consent(page, 'granted');
  const visitor = (await page.evaluate(() =>
    (window as unknown as { closeloop: Closeloop }).closeloop.getVisitorId(),
  ))!;
  await waitForRows(request, EVENTS_OF_CAMPAIGN, { campaign }, 2);
  // Served first-party, the collector keeps the id in its own HttpOnly cookie too.
  await expect
    .poll(async () => (await context.cookies()).find((c) => c.name == '_cl_sid')?.value, { timeout: 15_000 })
    .toBe(visitor);
  expect(await ourStorage(page)).toContain('_cl_ft');

  // Withdrawn through the API, as a site's privacy settings or a consent manager do (the demo's
  // "Withdraw consent" button would itself be recorded as a click, before the withdrawal).
  const sent = wire(page);
  expect(await consent(page, 'denied')).toBe('denied');
  await expect.poll(() => sent.events.length, { timeout: 10_000 }).toBe(1);
  expect(sent.events[0]).toMatchObject({ type: 'consent', state: 'denied', visitor_id: NIL, session_id: NIL });
  expect(sent.events[0]!.first_touch).toBeUndefined();
  // The script's cookies are deleted at once; the collector's answer clears its own.
  await expect.poll(() => ourCookies(context), { timeout: 10_000 }).toEqual(['_cl_consent=denied']);
  expect(await ourStorage(page)).toEqual([]);

  // Whatever happens next sends nothing: calls, clicks, leaving and coming back.
  await page.evaluate(() => {
    const cl = (window as unknown as { closeloop: Closeloop }).closeloop;
    cl.track('after-withdrawal');
    cl.page();
  });
  await page.getByRole('link', { name: 'arrive from the newsletter' }).click();
  await sdkReady(page);
  expect(await consent(page)).toBe('denied');
  await expect(page.getByRole('dialog')).toHaveCount(0); // the choice is remembered
  await page.goto('/demo/consent.html');
  await sdkReady(page);
  expect(await ourCookies(context)).toEqual(['_cl_consent=denied']);
  expect(await ourStorage(page)).toEqual([]);
  // Nothing was sent after the denial — shown by a marker, not a wait: a grant now sends its own
  // consent event under a new visitor id; the SDK sends in order, so anything it had sent or queued
  // since the denial would be on the wire before (or with) that event, without that id.
  expect(await consent(page, 'granted')).toBe('granted');
  const fresh = await page.evaluate(() => (window as unknown as { closeloop: Closeloop }).closeloop.getVisitorId());
  expect(fresh).toBeTruthy();
  await expect
    .poll(() => sent.events.some((e) => e.type === 'consent' && e.state === 'granted' && e.visitor_id === fresh), {
      timeout: 10_000,
    })
    .toBe(true);
  expect(sent.events[0]).toMatchObject({ type: 'consent', state: 'denied' });
  expect(sent.events.slice(1).filter((e) => e.visitor_id !== fresh)).toEqual([]);

  // Stored: the denial, without identifier; nothing of the visitor after it.
  const denials = await waitForRows(
    request,
    `${EVENTS_OF_CAMPAIGN.replace('ORDER BY', "AND type = 'consent' ORDER BY")}`,
    { campaign },
    2,
  );
  expect(denials.map((r) => [r.name, r.visitor])).toEqual([
    ['granted', visitor],
    ['denied', NIL],
  ]);
  const after = await query(
    request,
    `SELECT count() AS n FROM events FINAL WHERE site_id = 'demo' AND visitor_id = toUUID({visitor:String}) AND name = 'after-withdrawal'`,
    { visitor },
  );
  expect(Number(after[0]!.n)).toBe(0);
});

test('Global Privacy Control on: treated as denied where the site opts in (data-respect-gpc), ignored where it does not', async ({
  page,
  context,
}) => {
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }),
  );
  const sent = wire(page);
  await page.goto(landing('gpc'));
  await sdkReady(page);
  expect(await page.evaluate(() => (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl)).toBe(true);
  expect(await consent(page)).toBe('denied');
  expect(await consent(page, 'granted')).toBe('denied'); // the browser's signal wins
  // The notice decides at the window's load at the latest, which goto waited for: no dialog now is none at all.
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(await context.cookies()).toEqual([]);
  expect(await ourStorage(page)).toEqual([]);

  // The demo's other pages do not opt in: tracked as usual. And a marker instead of a wait: the GPC
  // page would have sent what it held when left (pagehide), before this page's view — so the wire
  // holding exactly this page view shows it sent nothing.
  await page.goto('/demo/pricing.html');
  await sdkReady(page);
  expect(await consent(page)).toBe('not-required');
  await expect.poll(() => sent.events.length, { timeout: 10_000 }).toBeGreaterThan(0);
  expect(sent.events.map((e) => [e.type, e.visitor_id != NIL, new URL(e.url).pathname])).toEqual([
    ['pageview', true, '/demo/pricing.html'],
  ]);
});
