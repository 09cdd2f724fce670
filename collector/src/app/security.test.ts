/**
 * Hardening: keys and their scopes, Origin checks, and a fuzz of 10,000 bad requests in both wire formats (fast-check)
 * — each gets a 4xx with a stable code, never a 5xx, and good events sent in between are stored.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview, sql, testApp, testConfig } from './test-support.js';

let app: FastifyInstance;
type NewSite = { site_id: string; public_key: string; secret_key: string };
let siteA: NewSite;
let siteB: NewSite;

const addSite = async (domain: string) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/admin/sites',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    payload: { domain },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as NewSite;
};

beforeAll(async () => {
  app = await testApp(testConfig({ CLOSELOOP_DEMO: 'false' }));
  siteA = await addSite('a.example');
  siteB = await addSite('b.example');
});
afterAll(async () => {
  await app?.close();
});

const post = (payload: string, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA, ...headers },
    payload,
  });

const storedIds = async (ids: string[]) =>
  (
    await sql<{ id: string }>(
      app,
      `SELECT toString(event_id) AS id FROM events FINAL WHERE event_id IN (${ids.map((i) => `'${i}'`).join(',')})`,
    )
  )
    .map((r) => r.id)
    .sort();

describe('keys and origins', () => {
  it('shows the secret key once and never its hash', async () => {
    expect(siteA.secret_key).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
    const list = await app.inject({ url: '/v1/admin/sites', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(list.body).not.toContain('secret_key');
    expect(list.body).not.toContain(siteA.secret_key);
  });

  it('a public key is no credential (401), a site secret is one that may not call SQL or admin APIs (403)', async () => {
    for (const [token, status, code] of [
      [siteA.public_key, 401, 'CL_UNAUTHORIZED'],
      [siteA.secret_key, 403, 'CL_FORBIDDEN'],
    ] as const) {
      const q = await app.inject({
        method: 'POST',
        url: '/v1/query',
        headers: { authorization: `Bearer ${token}` },
        payload: { sql: 'SELECT 1' },
      });
      expect(q.json()).toMatchObject({ statusCode: status, code });
      const s = await app.inject({ url: '/v1/admin/sites', headers: { authorization: `Bearer ${token}` } });
      expect(s.json()).toMatchObject({ statusCode: status, code });
      const b = await app.inject({
        method: 'POST',
        url: '/v1/admin/backup',
        headers: { authorization: `Bearer ${token}` },
        payload: { dir: '/tmp/x' },
      });
      expect(b.json()).toMatchObject({ statusCode: status, code });
    }
    // Nor as a bearer on the event route.
    const e = await post(JSON.stringify(batch([pageview()], siteA.public_key)), {
      authorization: `Bearer ${siteA.public_key}`,
    });
    expect(e.json()).toMatchObject({ statusCode: 401, code: 'CL_UNAUTHORIZED' });
  });

  it("site A's keys cannot write to site B", async () => {
    const e = pageview();
    const withSecret = await post(JSON.stringify(batch([e], siteB.public_key)), {
      authorization: `Bearer ${siteA.secret_key}`,
    });
    expect(withSecret.json()).toMatchObject({ statusCode: 403, code: 'CL_FORBIDDEN' });
    const fromAOrigin = await post(JSON.stringify(batch([e], siteB.public_key)), { origin: 'https://a.example' });
    expect(fromAOrigin.json()).toMatchObject({ statusCode: 403, code: 'CL_ORIGIN_NOT_ALLOWED' });
    const fromBOrigin = await post(JSON.stringify(batch([e], siteA.public_key)), { origin: 'https://www.b.example' });
    expect(fromBOrigin.statusCode).toBe(403);
    expect(await storedIds([e.id])).toEqual([]);
  });

  it('accepts a site key from its own origins (and subdomains), from servers without Origin, and with its secret key', async () => {
    const events = [pageview(), pageview(), pageview(), pageview()];
    expect(
      (await post(JSON.stringify(batch([events[0]!], siteA.public_key)), { origin: 'https://a.example' })).statusCode,
    ).toBe(202);
    expect(
      (await post(JSON.stringify(batch([events[1]!], siteA.public_key)), { origin: 'https://shop.a.example:8443' }))
        .statusCode,
    ).toBe(202);
    expect((await post(JSON.stringify(batch([events[2]!], siteA.public_key)))).statusCode).toBe(202);
    expect(
      (
        await post(JSON.stringify(batch([events[3]!], siteA.public_key)), {
          authorization: `Bearer ${siteA.secret_key}`,
          origin: 'https://elsewhere.example',
        })
      ).statusCode,
    ).toBe(202);
    expect(
      (await post(JSON.stringify(batch([pageview()], siteA.public_key)), { origin: 'https://evil-a.example' }))
        .statusCode,
    ).toBe(403);
    expect((await post(JSON.stringify(batch([pageview()], siteA.public_key)), { origin: 'null' })).statusCode).toBe(
      403,
    );
    const rows = await sql<{ site_id: string }>(
      app,
      `SELECT DISTINCT site_id FROM events WHERE event_id IN (${events.map((e) => `'${e.id}'`).join(',')})`,
    );
    expect(rows).toEqual([{ site_id: 'a.example' }]);
    expect(await storedIds(events.map((e) => e.id))).toEqual(events.map((e) => e.id).sort());
  });
});

// ---- fuzz ---------------------------------------------------------------------------------------

const deep = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);
const weird = fc.constantFrom(
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '\ufeff',
  '𝕏',
  '👩‍👩‍👧',
  'e\u0301',
  '\u2028',
  "'; DROP TABLE events; --",
  "' OR 1=1 --",
  '{site:String}',
  '\\',
  '"',
);
const weirdString = fc
  .array(fc.oneof(weird, fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 6 })
  .map((a) => a.join(''));

/** A request body (and headers) that must be refused. */
function badRequest(a: NewSite): fc.Arbitrary<{ body: string; headers?: Record<string, string> }> {
  const good = () => batch([pageview()], a.public_key);
  const mutate = (path: (b: Record<string, any>) => void) => {
    const b = JSON.parse(JSON.stringify(good())) as Record<string, any>;
    path(b);
    return JSON.stringify(b);
  };
  const anyValue = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    weirdString,
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.object({ maxDepth: 2 }),
  );
  const field = fc.constantFrom(
    'id',
    'ts',
    'visitor_id',
    'session_id',
    'url',
    'type',
    'touch',
    'title',
    'session_start',
    'page_referrer',
    'first_touch',
  );
  // Wire format 2 (what the script sends): a good batch, then one field given a value its schema refuses.
  const goodV2 = () => ({
    v: 2,
    k: a.public_key,
    t: Date.now(),
    e: [
      {
        i: randomBytes(6).toString('hex'),
        t: 0,
        v: randomUUID(),
        s: randomUUID(),
        u: 'https://a.example/',
        y: 'p',
        o: {},
      },
    ],
  });
  const mutateV2 = (path: (b: Record<string, any>) => void) => {
    const b = goodV2() as Record<string, any>;
    path(b);
    return JSON.stringify(b);
  };
  const fieldV2 = fc.constantFrom('i', 't', 'v', 's', 'u', 'y', 'o', 'f');
  const refusedV2 = ([f, v]: [string, unknown]) =>
    !(f === 't' && typeof v === 'number') &&
    // an event's number in its session (ingest/schema-v2.ts)
    !(f === 'i' && Number.isInteger(v) && Math.abs(v as number) <= 2 ** 53) &&
    !(f === 'y' && ['p', 'c', 'f', 'i', 'k'].includes(v as string)) &&
    !(f === 'u' && typeof v === 'string' && v.length > 0) &&
    !(f === 'o' && typeof v === 'object' && v !== null && !Array.isArray(v));
  return fc.oneof(
    fc
      .tuple(fieldV2, anyValue)
      .filter(refusedV2)
      .map(([f, v]) => ({ body: mutateV2((b) => (b.e[0][f] = v)) })),
    fc.oneof(anyValue, fc.constant([])).map((v) => ({ body: mutateV2((b) => (b.e = v)) })),
    fc
      .integer({ min: 2049, max: 20_000 })
      .map((n) => ({ body: mutateV2((b) => (b.e[0].u = `https://a.example/${'x'.repeat(n)}`)) })),
    fc
      .integer({ min: 501, max: 520 })
      .map((n) => ({ body: mutateV2((b) => (b.e = Array.from({ length: n }, () => goodV2().e[0]))) })),
    weirdString.map((s) => ({ body: mutateV2((b) => (b.k = `pk_${s}`)) })),
    fc.constant({ body: mutateV2((b) => (b.k = siteB.public_key)), headers: { origin: 'https://a.example' } }),
    // malformed JSON
    fc
      .string({ maxLength: 200 })
      .filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      })
      .map((body) => ({ body })),
    fc.nat({ max: 300 }).map((n) => ({ body: JSON.stringify(good()).slice(0, n) })),
    // valid JSON, wrong shape
    anyValue.map((v) => ({ body: JSON.stringify(v) })),
    // wrong types in an otherwise good event (types the schema refuses)
    fc
      .tuple(field, anyValue)
      .filter(
        ([f, v]) =>
          !(f === 'title' && typeof v === 'string') &&
          !(f === 'session_start' && typeof v === 'boolean') &&
          !(f === 'page_referrer' && typeof v === 'string') &&
          !(f === 'url' && typeof v === 'string' && v.length > 0) &&
          !(f === 'first_touch' && v === undefined),
      )
      .map(([f, v]) => ({ body: mutate((b) => (b.events[0][f] = v)) })),
    // huge strings
    fc
      .integer({ min: 2049, max: 20_000 })
      .map((n) => ({ body: mutate((b) => (b.events[0].url = `https://a.example/${'x'.repeat(n)}`)) })),
    fc
      .integer({ min: 129, max: 5000 })
      .map((n) => ({ body: mutate((b) => ((b.events[0].type = 'custom'), (b.events[0].name = 'n'.repeat(n)))) })),
    // too many events / properties
    fc
      .integer({ min: 501, max: 520 })
      .map((n) => ({ body: JSON.stringify({ ...good(), events: Array.from({ length: n }, () => pageview()) }) })),
    fc.integer({ min: 33, max: 80 }).map((n) => ({
      body: mutate(
        (b) => (
          (b.events[0].type = 'custom'),
          (b.events[0].name = 'x'),
          (b.events[0].props = Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))
        ),
      ),
    })),
    // deep nesting
    fc.integer({ min: 10, max: 20_000 }).map((d) => ({ body: deep(d, '[', ']') })),
    fc.integer({ min: 10, max: 5_000 }).map((d) => ({
      body: mutate(
        (b) => ((b.events[0].type = 'custom'), (b.events[0].name = 'x'), (b.events[0].props = { p: '__DEEP__' })),
      ).replace('"__DEEP__"', deep(d, '{"a":', '}').replace(/}$/, '1}')),
    })),
    // unicode edge cases and SQL fragments where a key or id is expected
    weirdString.map((s) => ({ body: JSON.stringify({ ...good(), site: `pk_${s}` }) })),
    weirdString.map((s) => ({ body: mutate((b) => (b.events[0].visitor_id = s)) })),
    // wrong keys and origins
    fc
      .string({ maxLength: 40 })
      .map((k) => ({ body: JSON.stringify(good()), headers: { authorization: `Bearer ${k}x` } })),
    fc.constant({
      body: JSON.stringify(batch([pageview()], siteB.public_key)),
      headers: { authorization: `Bearer ${a.secret_key}` },
    }),
    fc
      .domain()
      .filter((d) => !d.endsWith('a.example'))
      .map((d) => ({ body: JSON.stringify(good()), headers: { origin: `https://${d}` } })),
    fc.constant({ body: JSON.stringify(good()), headers: { 'content-type': 'application/xml' } }),
  );
}

describe('fuzz', () => {
  it('10,000 bad requests: each a 4xx with a code, never a 5xx; good events in between all stored', async () => {
    const goodIds: string[] = [];
    const codes = new Map<string, number>();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(badRequest(siteA), fc.option(weirdString, { freq: 10 }), async (bad, title) => {
        const res = await post(bad.body, bad.headers);
        expect(res.statusCode, `${res.body.slice(0, 300)} for ${bad.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        const code = (res.json() as { code: string }).code;
        expect(code).toMatch(/^CL_[A-Z_]+$/);
        codes.set(code, (codes.get(code) ?? 0) + 1);
        if (++n % 50 === 0) {
          // A good event with odd but valid text (SQL fragments, lone surrogates, RTL marks …) is stored.
          const e: ClEvent = {
            ...pageview(),
            type: 'custom',
            name: `fuzz ${title ?? "'; DROP TABLE events; --"}`.slice(0, 128),
            title: title ?? '\ud800',
            props: { q: title ?? 'x' },
          } as ClEvent;
          const ok = await post(JSON.stringify(batch([e], siteA.public_key)), { origin: 'https://a.example' });
          expect(ok.statusCode, ok.body).toBe(202);
          goodIds.push(e.id);
        }
      }),
      { numRuns: 10_000, seed: 20261125 },
    );
    expect(n).toBe(10_000);
    // Once: nesting far deeper than any parser stack.
    const deepest = await post(deep(300_000, '[', ']'));
    expect(deepest.statusCode).toBe(400);
    for (const code of [
      'CL_INVALID_JSON',
      'CL_INVALID_EVENT',
      'CL_UNKNOWN_SITE',
      'CL_UNAUTHORIZED',
      'CL_FORBIDDEN',
      'CL_ORIGIN_NOT_ALLOWED',
      'CL_UNSUPPORTED_MEDIA_TYPE',
    ]) {
      expect(codes.get(code), code).toBeGreaterThan(0);
    }
    expect(goodIds).toHaveLength(200);
    expect(await storedIds(goodIds)).toEqual([...goodIds].sort());
    expect(Number((await sql<{ n: string }>(app, 'SELECT count() AS n FROM dead_letters'))[0]!.n)).toBe(0);
    expect((await app.inject('/healthz')).statusCode).toBe(200);
  }, 300_000); // a bounded 10,000 requests; ~40 s here, several times that on a busy 2-core machine
});
