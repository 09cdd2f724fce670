// docs/api.md's route table names every API route the collector serves (the route table in
// routes.ts is where each route is described once; the docs must not fall behind it).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../base/paths.js';
import { ROUTE_DOCS } from './route-docs.js';

const API_TAGS = new Set(['Ingestion', 'CRM', 'Attribution', 'Reports', 'Analysts', 'Admin']);
/** `GET /v1/leads/:personId` and the docs' `GET /v1/leads/:person_id` are the same route; so are `GET /v1/admin/tokens` and `GET /v1/admin/tokens[?site=]`. */
const shape = (route: string) => route.replace(/:[A-Za-z_]+/g, ':').replace(/[[?].*$/, '');

it('docs/api.md names every API route', () => {
  const doc = readFileSync(`${PACKAGE_ROOT}/docs/api.md`, 'utf8');
  const documented = new Set(
    [...doc.matchAll(/`((?:GET|POST|PATCH|PUT|DELETE) \/[^`\s]*)`/g)].map((m) => shape(m[1]!)),
  );
  const routes = Object.entries(ROUTE_DOCS)
    .filter(([key, d]) => API_TAGS.has(d.tag) && !key.startsWith('OPTIONS '))
    .map(([key]) => key);
  expect(routes).toContain('GET /v1/reports/funnel');
  expect(routes.filter((r) => !documented.has(shape(r)))).toEqual([]);
});
