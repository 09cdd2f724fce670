/** The OpenAPI document covers every route the app registers, and every documented example validates. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../app/test-support.js';
import { ROUTE_DOCS } from './route-docs.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await testApp(); // demo mode: the demo routes are registered too
});
afterAll(() => app?.close());

/** Routes @fastify/static registers for a directory (files under a prefix). */
const isStaticFiles = (url: string) => url.endsWith('*') || /^\/(demo|dashboard)(\/[a-z]*)?\/?$/.test(url);

describe('OpenAPI', () => {
  it('documents every registered route, and documents no route that does not exist', () => {
    const registered = app.registeredRoutes
      .filter((r) => r.method !== 'HEAD' && !isStaticFiles(r.url))
      .map((r) => `${r.method} ${r.url}`);
    expect(registered.length).toBeGreaterThan(20);
    for (const key of registered) expect(ROUTE_DOCS, `${key} is not in openapi/route-docs.ts`).toHaveProperty([key]);
    for (const key of Object.keys(ROUTE_DOCS))
      expect(registered, `${key} is documented but not registered`).toContain(key);
  });

  it('every example validates against the schema that validates the route', () => {
    for (const [key, doc] of Object.entries(ROUTE_DOCS)) {
      for (const part of ['body', 'query', 'params'] as const) {
        const example = doc.example?.[part];
        if (example === undefined) continue;
        const schema = doc[part];
        expect(schema, `${key}: an example ${part} without a schema`).toBeDefined();
        const r = schema!.safeParse(example);
        expect(r.success, `${key} example ${part}: ${JSON.stringify(r.error?.issues)}`).toBe(true);
      }
    }
  });

  it('is served at /openapi.json as OpenAPI 3.1 with parameters and bodies from the zod schemas', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string; required: boolean; schema: { enum?: string[] } }[];
            requestBody?: { content: Record<string, { schema: { properties?: object } }> };
            responses: Record<string, unknown>;
          }
        >
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    const attribution = doc.paths['/v1/attribution']!.get!;
    expect(attribution.parameters.find((p) => p.name === 'model')!.schema.enum).toContain('markov');
    expect(Object.keys(attribution.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
    expect(doc.paths['/v1/leads/{personId}']!.get!.parameters).toContainEqual(
      expect.objectContaining({ name: 'personId', in: 'path', required: true }),
    );
    expect(Object.keys(doc.paths['/v1/events']!.post!.requestBody!.content)).toEqual([
      'text/plain',
      'application/json',
    ]);
    expect(doc.paths['/v1/events']!.post!.requestBody!.content['application/json']!.schema.properties).toHaveProperty(
      'events',
    );
  });

  it('the documented examples are accepted by the running app', async () => {
    // Events and admin calls that change state are exercised elsewhere; read-only examples run here.
    for (const key of [
      'GET /v1/attribution',
      'GET /v1/attribution/compare',
      'GET /v1/attribution/roi',
      'GET /v1/reports/overview',
      'GET /v1/reports/funnel',
      'POST /v1/query',
    ]) {
      const doc = ROUTE_DOCS[key]!;
      const [method, url] = key.split(' ') as ['GET' | 'POST', string];
      const res = await app.inject({
        method,
        url: `${url}?${new URLSearchParams(doc.example?.query ?? {})}`,
        headers: { authorization: 'Bearer test-admin-token-0123456789' },
        ...(doc.example?.body ? { payload: doc.example.body as object } : {}),
      });
      expect(res.statusCode, `${key}: ${res.body}`).toBe(200);
    }
  });

  it('is built once: the same bytes and ETag for every caller whatever its Host, 304 on If-None-Match', async () => {
    const a = await app.inject({ method: 'GET', url: '/openapi.json', headers: { host: 'a.example' } });
    const b = await app.inject({ method: 'GET', url: '/openapi.json', headers: { host: 'evil.example' } });
    expect(a.body).toBe(b.body);
    expect(a.body).not.toContain('evil.example');
    expect((a.json() as { servers: { url: string }[] }).servers).toEqual([{ url: '/' }]);
    expect(a.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(b.headers.etag).toBe(a.headers.etag);
    const again = await app.inject({
      method: 'GET',
      url: '/openapi.json',
      headers: { 'if-none-match': a.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('/docs has a CSP without inline code and may not be framed', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).not.toMatch(/<script>|<style>| on[a-z]+=| style=/);
    expect((await app.inject({ method: 'GET', url: '/docs/docs.css' })).headers['content-security-policy']).toBe(csp);
  });
});
