/** The collector's own visitor cookie on the answer to POST /v1/events (visitor-cookie.ts), through the real app. */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import type { Site } from '../storage/sites.js';
import { CHROME_UA, batch, pageview, sql, testApp } from '../app/test-support.js';
import { NIL_UUID } from '../storage/identities.js';
import { visitorCookie } from './visitor-cookie.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app?.close();
});

const SCRIPT_ID = '11111111-1111-4111-8111-111111111111';
const SERVER_ID = '33333333-3333-4333-8333-333333333333';

/** The visitor id each of these events was stored under, in the order given. */
const storedVisitors = async (events: ClEvent[]) => {
  const rows = await sql<{ id: string; visitor: string }>(
    app,
    `SELECT toString(event_id) AS id, toString(visitor_id) AS visitor FROM events FINAL WHERE event_id IN (${events.map((e) => `'${e.id}'`).join(', ')})`,
  );
  return events.map((e) => rows.find((r) => r.id === e.id)?.visitor);
};

/** A batch from a page on `origin`, posted to the collector at host `localhost`, with these request cookies. */
const post = (events: ClEvent[], headers: Record<string, string> = {}, origin = 'http://localhost') =>
  app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, host: 'localhost', origin, ...headers },
    payload: JSON.stringify(batch(events)),
  });

describe('visitor cookie set by the collector', () => {
  it('re-sets the batch visitor id as a long-lived HttpOnly SameSite=Lax cookie when served on the page host', async () => {
    const res = await post([pageview()]);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1 });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^_cl_sid=${SCRIPT_ID}; Max-Age=34560000; Path=/; HttpOnly; SameSite=Lax$`));
  });

  it('is Secure on https; a first-party path behind a proxy counts (the host the browser asked for)', () => {
    // What Fastify makes of a request through a trusted proxy: X-Forwarded-Proto / X-Forwarded-Host.
    const req = {
      protocol: 'https',
      hostname: 'www.shop.test',
      headers: { origin: 'https://www.shop.test' },
    } as unknown as FastifyRequest;
    const site = { domains: ['shop.test'] } as unknown as Site;
    const events = [pageview()];
    expect(visitorCookie(req, site, events)).toEqual({
      events,
      setCookie: `_cl_sid=${SCRIPT_ID}; Max-Age=34560000; Path=/; HttpOnly; SameSite=Lax; Secure`,
    });
    // The collector on a subdomain of the site (c.shop.test) is first-party too; another site's collector is not.
    expect(visitorCookie({ ...req, hostname: 'c.shop.test' } as FastifyRequest, site, events).setCookie).toMatch(
      /^_cl_sid=/,
    );
    expect(visitorCookie({ ...req, hostname: 'collector.example' } as FastifyRequest, site, events)).toEqual({
      events,
    });
  });

  it('moves only the batch visitor id to the id the cookie knows, without touching the events given', () => {
    const req = {
      protocol: 'https',
      hostname: 'www.shop.test',
      headers: { origin: 'https://www.shop.test', cookie: `_cl_sid=${SERVER_ID}` },
    } as unknown as FastifyRequest;
    const site = { domains: ['shop.test'] } as unknown as Site;
    const earlier = pageview({ visitor_id: '44444444-4444-4444-8444-444444444444' });
    const now = pageview();
    const anonymous = pageview({ visitor_id: NIL_UUID });
    const out = visitorCookie(req, site, [earlier, now, anonymous]);
    expect(out.visitorId).toBe(SERVER_ID);
    expect(out.events.map((e) => e.visitor_id)).toEqual([earlier.visitor_id, SERVER_ID, NIL_UUID]);
    expect(out.events[1]).toEqual({ ...now, visitor_id: SERVER_ID });
    expect(now.visitor_id).toBe(SCRIPT_ID);
  });

  it('answers with the id the cookie knows when the script made a new one, keeps that id and stores the batch under it', async () => {
    const first = pageview();
    const res = await post([first], { cookie: `other=1; _cl_sid=${SERVER_ID}` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1, visitor_id: SERVER_ID });
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^_cl_sid=${SERVER_ID};.*HttpOnly`));
    expect(await storedVisitors([first])).toEqual([SERVER_ID]);
    // Same id on both sides: nothing to adopt.
    expect((await post([pageview({ visitor_id: SERVER_ID })], { cookie: `_cl_sid=${SERVER_ID}` })).json()).toEqual({
      accepted: 1,
    });
  });

  it('stores only the events of the batch visitor id under the known id; identify then links the known visitor', async () => {
    const known = randomUUID();
    const fresh = randomUUID();
    const earlier = pageview({ visitor_id: randomUUID() }); // outbox of an earlier page
    const anonymous = pageview({ visitor_id: NIL_UUID }); // counted cookieless
    const view = pageview({ visitor_id: fresh });
    const email = `${fresh}@example.com`;
    const identify = { ...pageview({ visitor_id: fresh }), type: 'identify', email } as ClEvent;
    const res = await post([earlier, anonymous, view, identify], { cookie: `_cl_sid=${known}` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 4, visitor_id: known });
    expect(await storedVisitors([earlier, anonymous, view, identify])).toEqual([
      earlier.visitor_id,
      NIL_UUID,
      known,
      known,
    ]);
    expect(await sql(app, `SELECT count() AS n FROM events FINAL WHERE visitor_id = toUUID('${fresh}')`)).toEqual([
      { n: 0 },
    ]);
    expect(await sql(app, `SELECT toString(visitor_id) AS visitor FROM identities WHERE email = '${email}'`)).toEqual([
      { visitor: known },
    ]);
  });

  it('stores the batch as sent without the cookie', async () => {
    const e = pageview({ visitor_id: randomUUID() });
    const res = await post([e]);
    expect(res.json()).toEqual({ accepted: 1 });
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^_cl_sid=${e.visitor_id};`));
    expect(await storedVisitors([e])).toEqual([e.visitor_id]);
  });

  it('ignores a cookie value that is not a visitor id', async () => {
    const res = await post([pageview()], { cookie: '_cl_sid=x%3B%20evil' });
    expect(res.json()).toEqual({ accepted: 1 });
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^_cl_sid=${SCRIPT_ID};`));
  });

  it('sets nothing for requests without Origin (servers) or answered on another site than the page', async () => {
    const server = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'text/plain', host: 'localhost' },
      payload: JSON.stringify(batch([pageview()])),
    });
    expect(server.statusCode).toBe(202);
    expect(server.headers['set-cookie']).toBeUndefined();
    // The page on 127.0.0.1 (allowed in demo mode), the collector reached as localhost: third-party.
    const e = pageview({ visitor_id: randomUUID() });
    const thirdParty = await post([e], { cookie: `_cl_sid=${SERVER_ID}` }, 'http://127.0.0.1');
    expect(thirdParty.statusCode).toBe(202);
    expect(thirdParty.headers['set-cookie']).toBeUndefined();
    expect(thirdParty.json()).toEqual({ accepted: 1 });
    // Not first-party: the cookie is not the collector's to read, so the batch is stored as sent.
    expect(await storedVisitors([e])).toEqual([e.visitor_id]);
  });

  it('clears the cookie when the batch carries a consent denial, and stores the batch as sent', async () => {
    const before = pageview({ visitor_id: randomUUID() }); // what the page sent before the withdrawal
    const denied = {
      ...pageview(),
      type: 'consent',
      state: 'denied',
      visitor_id: NIL_UUID,
      session_id: NIL_UUID,
    } as ClEvent;
    const res = await post([before, denied], { cookie: `_cl_sid=${SERVER_ID}` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2 });
    expect(String(res.headers['set-cookie'])).toMatch(/^_cl_sid=; Max-Age=0;/);
    expect(await storedVisitors([before, denied])).toEqual([before.visitor_id, NIL_UUID]);
  });
});
