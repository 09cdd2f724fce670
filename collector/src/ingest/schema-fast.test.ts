/**
 * The fast validator (schema-fast.ts) against the contract (schema.ts, zod): on every generated
 * and mutated batch, whatever the fast one accepts zod accepts too, with the identical output;
 * what it declines goes to zod, which words the refusal (so error codes are zod's by design).
 * And it does accept the batches the SDK sends, or it would speed nothing up.
 */
import { describe, expect, it } from 'vitest';
import { EventBatchSchema, LIMITS } from './schema.js';
import { fastEventBatch } from './schema-fast.js';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const uuid = (r: () => number, upper = false) => {
  const h = Array.from({ length: 32 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const s = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
  return upper ? s.toUpperCase() : s;
};
const NOW = Date.UTC(2026, 5, 1);

function validBatch(r: () => number): { [k: string]: Json } {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const touch = (): { [k: string]: Json } => {
    const t: { [k: string]: Json } = {
      ts: NOW - Math.floor(r() * 1e6),
      referrer: pick(['', 'https://www.google.com/']),
      landing_url: 'https://shop.test/?utm_source=x',
    };
    if (r() < 0.5) Object.assign(t, { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'launch' });
    if (r() < 0.2) Object.assign(t, { utm_term: 'shoes', utm_content: '' });
    if (r() < 0.3) t.click_ids = r() < 0.5 ? { gclid: 'abc' } : { fbclid: 'x', twclid: 'y' };
    return t;
  };
  const events = Array.from({ length: 1 + Math.floor(r() * 5) }, (_, i) => {
    const e: { [k: string]: Json } = {
      type: pick(['pageview', 'pageview', 'custom']),
      id: uuid(r, r() < 0.1),
      ts: NOW + i,
      visitor_id: uuid(r),
      session_id: uuid(r),
      url: 'https://shop.test/p',
      touch: touch(),
    };
    if (r() < 0.7) e.title = 'Title';
    if (r() < 0.7) e.page_referrer = 'https://shop.test/';
    if (r() < 0.3) e.session_start = r() < 0.5;
    if (r() < 0.1) e.first_touch = touch();
    if (e.type === 'custom') {
      e.name = 'signup';
      if (r() < 0.7) e.props = { plan: 'pro', seats: 3, trial: true };
    }
    return e;
  });
  const b: { [k: string]: Json } = { site: 'pk_demo', events };
  if (r() < 0.7) b.sent_at = NOW + 10;
  if (r() < 0.7) b.sdk = '0.3.0';
  return b;
}

const ODD_VALUES: Json[] = [
  null,
  '',
  'x',
  'X'.repeat(LIMITS.url + 1),
  'y'.repeat(LIMITS.utm + 1),
  'z'.repeat(LIMITS.title + 1),
  0,
  -1,
  1.5,
  NOW + 0.5,
  Date.UTC(2019, 11, 31),
  Date.UTC(2100, 0, 1),
  Date.UTC(2100, 0, 1) + 1,
  1e300,
  true,
  false,
  [],
  [1],
  {},
  { a: 1 },
  '6F1C2A9E-4B1D-4C6E-9A51-0C2D3E4F5A6B',
  '6f1c2a9e4b1d4c6e9a510c2d3e4f5a6b',
  '6f1c2a9e-4b1d-4c6e-9a51-0c2d3e4f5a6',
  'form',
  'identify',
  'consent',
];
const ODD_KEYS = [
  'extra',
  '__proto__',
  'constructor',
  'type',
  'name',
  'props',
  'id',
  'ts',
  'utm_term',
  'click_ids',
  'gclid',
  '',
];

/** A copy of `v` with one random change somewhere inside it. */
function mutate(v: Json, r: () => number): Json {
  if (Array.isArray(v)) {
    if (v.length === 0 || r() < 0.1)
      return r() < 0.5 ? [] : Array.from({ length: LIMITS.eventsPerBatch + 1 }, () => v[0] ?? null);
    const i = Math.floor(r() * v.length);
    return v.map((x, j) => (j === i ? mutate(x, r) : x));
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const out: { [k: string]: Json } = JSON.parse(JSON.stringify(v));
    const roll = r();
    if (roll < 0.1 || keys.length === 0)
      out[ODD_KEYS[Math.floor(r() * ODD_KEYS.length)]!] = ODD_VALUES[Math.floor(r() * ODD_VALUES.length)]!;
    else if (roll < 0.2) delete out[keys[Math.floor(r() * keys.length)]!];
    else if (roll < 0.25)
      Object.assign(out, Object.fromEntries(Array.from({ length: LIMITS.propKeys + 1 }, (_, i) => [`k${i}`, 'v'])));
    else {
      const k = keys[Math.floor(r() * keys.length)]!;
      out[k] = r() < 0.4 ? ODD_VALUES[Math.floor(r() * ODD_VALUES.length)]! : mutate(out[k]!, r);
    }
    return out;
  }
  return ODD_VALUES[Math.floor(r() * ODD_VALUES.length)]!;
}

/** `__proto__` as an own key, as JSON.parse makes it (an object literal would set the prototype). */
const parsed = (v: Json): Json => JSON.parse(JSON.stringify(v)) as Json;

describe('fastEventBatch', () => {
  it('accepts the batches the SDK sends, with exactly the output of the zod schema', () => {
    const r = rng(1);
    for (let i = 0; i < 2000; i++) {
      const b = parsed(validBatch(r));
      const fast = fastEventBatch(b);
      expect(fast).toBeDefined();
      expect(fast).toStrictEqual(EventBatchSchema.parse(b));
    }
  });

  it('never accepts what zod refuses and never changes a value, on 6,000 mutated batches; declines only what zod then decides', () => {
    const r = rng(2);
    let refusedByZod = 0;
    let declinedValid = 0;
    for (let i = 0; i < 6000; i++) {
      let b = validBatch(r) as Json;
      for (let m = 1 + Math.floor(r() * 3); m > 0; m--) b = mutate(b, r);
      b = parsed(b);
      const fast = fastEventBatch(b);
      const zod = EventBatchSchema.safeParse(b);
      if (!zod.success) refusedByZod++;
      if (fast === undefined) {
        if (zod.success) declinedValid++;
        continue;
      }
      expect({ input: b, success: zod.success }).toEqual({ input: b, success: true });
      expect(fast).toStrictEqual(zod.data);
    }
    // The mutations do reach refusals, and the fast path is not a bystander on the valid ones.
    expect(refusedByZod).toBeGreaterThan(1500);
    expect(declinedValid).toBeLessThan(1500);
  });

  it('takes exactly the ids zod takes: each character of a UUID replaced by the characters around the hex ranges', () => {
    const r = rng(4);
    const b = parsed(validBatch(r)) as { [k: string]: Json };
    const first = (b.events as { [k: string]: Json }[])[0]!;
    const good = '6f1c2a9e-4b1d-4c6e-9a51-0c2d3e4f5a6b';
    let taken = 0;
    for (let i = 0; i < good.length; i++)
      for (const c of ['/', '0', '9', ':', '@', 'A', 'F', 'G', '`', 'a', 'f', 'g', '-', 'é', ' ']) {
        const id = good.slice(0, i) + c + good.slice(i + 1);
        for (const field of ['id', 'visitor_id', 'session_id']) {
          const batch = { ...b, events: [{ ...first, [field]: id }] };
          const zod = EventBatchSchema.safeParse(batch);
          const fast = fastEventBatch(batch);
          if (fast) taken++;
          expect({ id, field, fast: fast !== undefined }).toEqual({ id, field, fast: zod.success });
          if (fast) expect(fast).toStrictEqual(zod.data);
        }
      }
    expect(taken).toBeGreaterThan(36 * 3 * 4); // the hex digits of both cases are taken
  });

  it('declines (for zod to word the refusal) an empty batch, a non-object, a form event and a props key __proto__', () => {
    const r = rng(3);
    const b = validBatch(r) as { [k: string]: Json };
    expect(fastEventBatch({ ...b, events: [] })).toBeUndefined();
    expect(fastEventBatch(null)).toBeUndefined();
    expect(fastEventBatch([b])).toBeUndefined();
    const form = { ...(b.events as { [k: string]: Json }[])[0]!, type: 'form', form: { id: 'f', fields: {} } };
    expect(fastEventBatch({ ...b, events: [form] })).toBeUndefined();
    const custom = {
      ...(b.events as { [k: string]: Json }[])[0]!,
      type: 'custom',
      name: 'n',
      props: JSON.parse('{"__proto__":"x"}') as Json,
    };
    expect(fastEventBatch({ ...b, events: [custom] })).toBeUndefined();
  });
});
