/**
 * The hot path of `POST /v1/events` (v1 page views and custom events, as the SDK sends them),
 * validated without zod's machinery: a plain function that either gives exactly what
 * `EventBatchSchema` (schema.ts, the contract) gives for the same input — same stripping of unknown
 * keys, same lower-cased ids — or `undefined`, and then the zod schema decides (and words every
 * refusal: error codes and messages always come from it). It may send a valid batch to zod (any
 * other event type, a `__proto__` key); it must never let through what zod refuses, nor change a
 * value: schema-fast.test.ts checks both on generated and mutated batches.
 */
import { LIMITS, type ValidEventBatch } from './schema.js';

type Obj = Record<string, unknown>;
type Out = Obj | undefined;

const MIN_TS = Date.UTC(2020, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);
const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid'] as const;
const UTMS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number, min = 0): v is string =>
  typeof v === 'string' && v.length <= max && v.length >= min;
const ts = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= MIN_TS && v <= MAX_TS;
/**
 * `v` lower-cased if it is a GUID (8-4-4-4-12 hex digits, either case: zod's `z.guid()` in schema.ts),
 * checked character by character (about a third of a regular expression's time).
 */
function guid(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length !== 36) return undefined;
  let upper = false;
  for (let i = 0; i < 36; i++) {
    const c = v.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return undefined; // '-'
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) {
      if (c < 65 || c > 70) return undefined;
      upper = true;
    }
  }
  return upper ? v.toLowerCase() : v;
}

/** The validated batch, or undefined: let the zod schema decide. */
export function fastEventBatch(body: unknown): ValidEventBatch | undefined {
  if (!isObj(body)) return undefined;
  const { site, sent_at, sdk, events } = body;
  if (
    !str(site, LIMITS.siteKey, 1) ||
    !Array.isArray(events) ||
    events.length < 1 ||
    events.length > LIMITS.eventsPerBatch
  )
    return undefined;
  const out: Obj = { site };
  if (sent_at !== undefined) {
    if (!ts(sent_at)) return undefined;
    out.sent_at = sent_at;
  }
  if (sdk !== undefined) {
    if (!str(sdk, LIMITS.sdkVersion)) return undefined;
    out.sdk = sdk;
  }
  const valid: Obj[] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = event(events[i]);
    if (!e) return undefined;
    valid[i] = e;
  }
  out.events = valid;
  return out as ValidEventBatch;
}

function event(e: unknown): Out {
  if (!isObj(e)) return undefined;
  const type = e.type;
  if (type !== 'pageview' && type !== 'custom') return undefined;
  const id = guid(e.id);
  const visitor = guid(e.visitor_id);
  const session = guid(e.session_id);
  if (!id || !visitor || !session || !ts(e.ts) || !str(e.url, LIMITS.url, 1)) return undefined;
  const t = touch(e.touch);
  if (!t) return undefined;
  const out: Obj = { id, ts: e.ts, visitor_id: visitor, session_id: session, url: e.url, touch: t, type };
  if (e.page_referrer !== undefined) {
    if (!str(e.page_referrer, LIMITS.url)) return undefined;
    out.page_referrer = e.page_referrer;
  }
  if (e.title !== undefined) {
    if (!str(e.title, LIMITS.title)) return undefined;
    out.title = e.title;
  }
  if (e.session_start !== undefined) {
    if (typeof e.session_start !== 'boolean') return undefined;
    out.session_start = e.session_start;
  }
  if (e.first_touch !== undefined) {
    const f = touch(e.first_touch);
    if (!f) return undefined;
    out.first_touch = f;
  }
  if (type === 'custom') {
    if (!str(e.name, LIMITS.eventName, 1)) return undefined;
    out.name = e.name;
    if (e.props !== undefined) {
      const p = props(e.props);
      if (!p) return undefined;
      out.props = p;
    }
  }
  return out;
}

function touch(t: unknown): Out {
  if (!isObj(t) || !ts(t.ts) || !str(t.referrer, LIMITS.url) || !str(t.landing_url, LIMITS.url)) return undefined;
  const out: Obj = { ts: t.ts, referrer: t.referrer, landing_url: t.landing_url };
  for (const k of UTMS) {
    const v = t[k];
    if (v === undefined) continue;
    if (!str(v, LIMITS.utm)) return undefined;
    out[k] = v;
  }
  if (t.click_ids !== undefined) {
    const c = t.click_ids;
    if (!isObj(c)) return undefined;
    const ids: Obj = {};
    for (const k of CLICK_IDS) {
      const v = c[k];
      if (v === undefined) continue;
      if (!str(v, LIMITS.clickId)) return undefined;
      ids[k] = v;
    }
    out.click_ids = ids;
  }
  return out;
}

function props(p: unknown): Out {
  if (!isObj(p)) return undefined;
  const out: Obj = {};
  let n = 0;
  for (const k in p) {
    if (!Object.hasOwn(p, k) || k === '__proto__' || k.length < 1 || k.length > LIMITS.propKey) return undefined;
    const v = p[k];
    if (!(str(v, LIMITS.propValue) || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean'))
      return undefined;
    out[k] = v;
    if (++n > LIMITS.propKeys) return undefined;
  }
  return out;
}
