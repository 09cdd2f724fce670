/** The collector's own visitor cookie on the answer to POST /v1/events (visitor-cookie.ts), through the real app. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import type { Site } from '../storage/sites.js';
import { CHROME_UA, batch, pageview, testApp } from '../test-support.js';
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

/** A batch from a page on `origin`, posted to the collector at host `localhost`, with these request cookies. */
const post = (events: ClEvent[], headers: Record<string, string> = {}, origin = 'http://localhost') =>
  app.inject({
    method: 'POST', url: '/v1/events',
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
    const headers: Record<string, string> = {};
    const reply = { header: (k: string, v: string) => (headers[k] = v) } as unknown as FastifyReply;
    // What Fastify makes of a request through a trusted proxy: X-Forwarded-Proto / X-Forwarded-Host.
    const req = { protocol: 'https', hostname: 'www.shop.test', headers: { origin: 'https://www.shop.test' } } as unknown as FastifyRequest;
    const site = { domains: ['shop.test'] } as unknown as Site;
    expect(visitorCookie(req, reply, site, [pageview()])).toBeUndefined();
    expect(headers['set-cookie']).toBe(`_cl_sid=${SCRIPT_ID}; Max-Age=34560000; Path=/; HttpOnly; SameSite=Lax; Secure`);
    // The collector on a subdomain of the site (c.shop.test) is first-party too; another site's collector is not.
    expect((visitorCookie({ ...req, hostname: 'c.shop.test' } as FastifyRequest, reply, site, [pageview()]), headers['set-cookie'])).toMatch(/^_cl_sid=/);
    delete headers['set-cookie'];
    visitorCookie({ ...req, hostname: 'collector.example' } as FastifyRequest, reply, site, [pageview()]);
    expect(headers['set-cookie']).toBeUndefined();
  });

  it('answers with the id the cookie knows when the script made a new one, and keeps that id', async () => {
    const res = await post([pageview()], { cookie: `other=1; _cl_sid=${SERVER_ID}` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1, visitor_id: SERVER_ID });
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^_cl_sid=${SERVER_ID};.*HttpOnly`));
    // Same id on both sides: nothing to adopt.
    expect((await post([pageview({ visitor_id: SERVER_ID })], { cookie: `_cl_sid=${SERVER_ID}` })).json()).toEqual({ accepted: 1 });
  });

  it('ignores a cookie value that is not a visitor id', async () => {
    const res = await post([pageview()], { cookie: '_cl_sid=x%3B%20evil' });
    expect(res.json()).toEqual({ accepted: 1 });
    expect(String(res.headers['set-cookie'])).toMatch(new RegExp(`^_cl_sid=${SCRIPT_ID};`));
  });

  it('sets nothing for requests without Origin (servers) or answered on another site than the page', async () => {
    const server = await app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'text/plain', host: 'localhost' }, payload: JSON.stringify(batch([pageview()])) });
    expect(server.statusCode).toBe(202);
    expect(server.headers['set-cookie']).toBeUndefined();
    // The page on 127.0.0.1 (allowed in demo mode), the collector reached as localhost: third-party.
    const thirdParty = await post([pageview()], { cookie: `_cl_sid=${SERVER_ID}` }, 'http://127.0.0.1');
    expect(thirdParty.statusCode).toBe(202);
    expect(thirdParty.headers['set-cookie']).toBeUndefined();
    expect(thirdParty.json()).toEqual({ accepted: 1 });
  });

  it('clears the cookie when the batch carries a consent denial', async () => {
    const denied = { ...pageview(), type: 'consent', state: 'denied', visitor_id: '00000000-0000-0000-0000-000000000000' } as ClEvent;
    const res = await post([denied], { cookie: `_cl_sid=${SERVER_ID}` });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1 });
    expect(String(res.headers['set-cookie'])).toMatch(/^_cl_sid=; Max-Age=0;/);
  });
});
