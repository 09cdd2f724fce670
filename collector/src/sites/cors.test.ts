/** CORS on POST /v1/events: only the batch's site's own origins may read answers; never credentials to others. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, testApp, testConfig } from '../app/test-support.js';

let app: FastifyInstance;
let siteA: { public_key: string };

beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_DEMO: 'false' }));
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/sites',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { domain: 'a.example' },
  });
  siteA = res.json() as { public_key: string };
  await app.inject({
    method: 'POST',
    url: '/v1/admin/sites',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { domain: 'b.example' },
  });
});
afterAll(() => app?.close());

const post = (origin: string, payload: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { origin, 'content-type': 'text/plain', 'user-agent': CHROME_UA },
    payload,
  });
const preflight = (origin: string) =>
  app.inject({
    method: 'OPTIONS',
    url: '/v1/events',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

const cors = (h: Record<string, unknown>) => ({
  origin: h['access-control-allow-origin'],
  credentials: h['access-control-allow-credentials'],
});
const NONE = { origin: undefined, credentials: undefined };

describe('CORS on /v1/events', () => {
  it("answers the site's own origins (and subdomains) with credentials, on success and on errors", async () => {
    const ok = await post('https://shop.a.example', JSON.stringify(batch([pageview()], siteA.public_key)));
    expect(ok.statusCode).toBe(202);
    expect(cors(ok.headers)).toEqual({ origin: 'https://shop.a.example', credentials: 'true' });
    expect(ok.headers.vary).toMatch(/Origin/);
    const bad = await post(
      'https://a.example',
      JSON.stringify({ ...batch([pageview()], siteA.public_key), events: 'x' }),
    );
    expect(bad.statusCode).toBe(400);
    expect(cors(bad.headers)).toEqual({ origin: 'https://a.example', credentials: 'true' });
  });

  it('gives other origins no CORS headers at all: not on 403, not when they are another site of this collector', async () => {
    for (const origin of ['https://evil.example', 'https://a.example.evil.example', 'null', 'https://b.example']) {
      const res = await post(origin, JSON.stringify(batch([pageview()], siteA.public_key)));
      expect(res.json()).toMatchObject({ statusCode: 403, code: 'CL_ORIGIN_NOT_ALLOWED' });
      expect(cors(res.headers)).toEqual(NONE);
    }
    // A body that names no site: only origins of some registered site are answered.
    expect(cors((await post('https://evil.example', '{not json')).headers)).toEqual(NONE);
    expect(cors((await post('https://b.example', '{not json')).headers).origin).toBe('https://b.example');
  });

  it("preflights: allowed methods for registered sites' origins, nothing for others", async () => {
    const own = await preflight('https://a.example');
    expect(own.statusCode).toBe(204);
    expect(cors(own.headers)).toEqual({ origin: 'https://a.example', credentials: 'true' });
    expect(own.headers['access-control-allow-methods']).toBe('POST, OPTIONS');
    const evil = await preflight('https://evil.example');
    expect(cors(evil.headers)).toEqual(NONE);
    expect(evil.headers['access-control-allow-methods']).toBeUndefined();
  });
});
