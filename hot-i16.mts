// Hot path (no HTTP, no fsync): JSON.parse → validate → enrich → jsonLines → encodeRecord. ns/event.
import { EventBatchSchema } from '/work/wt/ingest16/collector/src/ingest/schema.js';
import { parseOrThrow } from '/work/wt/ingest16/collector/src/validation.js';
import { enrichBatch } from '/work/wt/ingest16/collector/src/ingest/accept.js';
import { BotSessions } from '/work/wt/ingest16/collector/src/ingest/bot-sessions.js';
import { CapturedFields } from '/work/wt/ingest16/collector/src/ingest/url-scrub.js';
import { jsonLines } from '/work/wt/ingest16/collector/src/spool/json-lines.js';
import { encodeRecord } from '/work/wt/ingest16/collector/src/spool/segment.js';
const batch = Number(process.argv[2] ?? 20);
const now = Date.now();
const touch = { ts: now, referrer: 'https://www.google.com/', landing_url: 'https://shop.test/?utm_source=newsletter&utm_medium=email&utm_campaign=launch', utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'launch' };
const event = (i: number, s: number) => ({ type: 'pageview', id: `abcdef01-0000-4000-8000-${s.toString(16).padStart(8,'0')}${i.toString(16).padStart(4,'0')}`, ts: now + i, visitor_id: '6f1c2a9e-4b1d-4c6e-9a51-0c2d3e4f5a6b', session_id: '7a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d', url: `https://shop.test/products/${i % 50}`, title: 'Product', page_referrer: 'https://shop.test/', touch, session_start: i === 0 });
const bodies = Array.from({ length: 64 }, (_, s) => JSON.stringify({ site: 'pk_demo', sdk: 'bench', events: Array.from({ length: batch }, (_, i) => event(i, s)) }));
const req = { headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' }, log: console } as any;
const site = { site_id: 'demo', domains: ['shop.test'], retention_days: 0 } as any;
const bots = new BotSessions(); const fields = new CapturedFields();
const t: Record<string, number> = { parse: 0, validate: 0, enrich: 0, lines: 0, record: 0 };
const N = Math.round(200000 / batch);
let k = 0;
for (let rep = 0; rep < 2; rep++) {
  for (const key in t) t[key] = 0;
  for (let n = 0; n < N; n++) {
    const a = performance.now();
    const body = JSON.parse(bodies[k++ & 63]!);
    const b = performance.now();
    const v = parseOrThrow(EventBatchSchema, body, 'CL_INVALID_EVENT');
    const c = performance.now();
    const { rows } = enrichBatch(v, req, site, bots, fields);
    const d = performance.now();
    const text = jsonLines(rows);
    const e = performance.now();
    encodeRecord('events', Buffer.from(text));
    const f = performance.now();
    t.parse += b - a; t.validate += c - b; t.enrich += d - c; t.lines += e - d; t.record += f - e;
  }
}
const ev = N * batch;
const out = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v * 1e6 / ev)]));
console.log(`batch ${batch} ns/event`, JSON.stringify(out), 'total', Math.round(Object.values(t).reduce((a, b) => a + b) * 1e6 / ev));
