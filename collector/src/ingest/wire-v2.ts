/**
 * Wire format 2 → the v1 events the rest of ingestion knows (to-row.ts, visitor-cookie.ts): long
 * names, absolute times, UUID event ids, and every event with its session's touch.
 *
 * - Time: the batch's `t` minus the event's `t`.
 * - Event id: a UUID derived from the session id and the event's short id (SHA-256, version 8), so a
 *   repeat of an event gets the same `event_id` and folds as in v1. A numeric short id is the event's
 *   number in its session (sdk/src/session.ts): the UUID then carries the number
 *   (storage/events-layout.ts SEQUENCE_ID), which becomes the row's compact `event_key`.
 * - Touch: an event with `o` carries it (fields left out are the event's own: referrer `r`, landing
 *   URL `u`, time `t`); UTM tags and click ids are read from the landing URL here, bounded as the v1
 *   SDK bounded them. It starts the session (unless anonymous: the zero session id), and its first
 *   touch is `f`, else that touch. An event without `o` gets its session's touch from
 *   {@link SessionTouches} (same batch, recently seen, or the session's stored first event); when none
 *   is known yet, it is marked {@link NO_TOUCH} and its row keeps the touch columns empty (accept.ts).
 */
import { createHash } from 'node:crypto';
import type { Touch } from '../../../sdk/src/protocol.js';
import { UTM_COLUMNS } from '../storage/events.js';
import { NIL_UUID } from '../storage/identities.js';
import type { ValidEvent, ValidEventBatch } from './schema.js';
import type { ValidEventBatchV2, ValidEventV2 } from './schema-v2.js';
import type { SessionTouches } from './session-touches.js';
import { CLICK_ID_ORDER } from './to-row.js';

/** UTM values and click ids are cut to this many characters (as the v1 SDK did; Google documents gclid at ≤ 100). */
export const TOUCH_VALUE = 100;

/** Marks a decoded event whose session's touch was not known: its row gets empty touch columns. */
export const NO_TOUCH = Symbol('no touch');
export type DecodedEvent = ValidEvent & { [NO_TOUCH]?: true };

/** The v1 touch of a session that started at `ts` on `landing`, arriving from `referrer`. */
export function touchOf(ts: number, referrer: string, landing: string): Touch {
  const t: Touch = { ts, referrer, landing_url: landing };
  let q: URLSearchParams;
  try {
    q = new URL(landing).searchParams;
  } catch {
    return t; // not a URL: referrer and landing URL only
  }
  for (const k of UTM_COLUMNS) {
    const v = q.get(k);
    if (v) t[k] = v.slice(0, TOUCH_VALUE);
  }
  for (const k of CLICK_ID_ORDER) {
    const v = q.get(k);
    if (v) (t.click_ids ??= {})[k] = v.slice(0, TOUCH_VALUE);
  }
  return t;
}

/**
 * The UUID `event_id` of the v2 event with short id `i` in session `session` (version 8, RFC 9562):
 * for a numbered event (`i` a number, not in the zero session, whose events share ids and send random
 * ones), 76 bits of the session's hash, `8000` and the number modulo 2³² in the last 8 hex digits
 * (storage/events-layout.ts SEQUENCE_ID); otherwise 122 bits of the hash of both.
 */
export function eventUuid(session: string, i: number | string): string {
  const numbered = typeof i === 'number' && session !== NIL_UUID;
  const h = createHash('sha256')
    .update(numbered ? session : `${session}/${i}`)
    .digest('hex');
  if (numbered) {
    const n = (i >>> 0).toString(16).padStart(8, '0');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-8000-${h.slice(16, 20)}${n}`;
  }
  const variant = ((parseInt(h[16]!, 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const firstTouch = (f: NonNullable<ValidEventV2['f']>): Touch => ('ts' in f ? f : touchOf(f.t, f.r, f.l));

/** The v1 fields of one v2 event's type. */
function typed(e: ValidEventV2): Pick<ValidEvent, 'type'> & Record<string, unknown> {
  switch (e.y) {
    case 'p':
      return { type: 'pageview' };
    case 'c':
      return { type: 'custom', name: e.n, props: e.p };
    case 'f':
      return { type: 'form', form: { id: e.n, action: e.a, fields: e.p }, email: e.m };
    case 'i':
      return { type: 'identify', email: e.m, user_id: e.w, traits: e.p };
    case 'k':
      return { type: 'consent', state: e.n, policy: e.a };
    case 'e':
      return { type: 'custom', name: 'engagement', props: { ms: e.g } };
  }
}

/** The touches a batch brings (its events with `o`), by event. */
function ownTouches(batch: ValidEventBatchV2): Map<ValidEventV2, Touch> {
  const own = new Map<ValidEventV2, Touch>();
  for (const e of batch.e) if (e.o) own.set(e, touchOf(batch.t - e.t, e.o.r ?? e.r ?? '', e.o.l ?? e.u));
  return own;
}

/**
 * The batch in v1 terms (synchronous core of {@link decodeV2}): `sessionTouch` answers the touch of
 * a session whose events in this batch do not carry it, or undefined.
 */
export function toV1(
  batch: ValidEventBatchV2,
  sessionTouch: (sessionId: string) => Touch | undefined,
  own = ownTouches(batch),
): ValidEventBatch & { events: DecodedEvent[] } {
  const sessions = new Map<string, Touch>();
  for (const [e, t] of own) if (e.s !== NIL_UUID && !sessions.has(e.s)) sessions.set(e.s, t);
  const events = batch.e.map((e): DecodedEvent => {
    const ts = batch.t - e.t;
    const touch = own.get(e) ?? (e.s === NIL_UUID ? undefined : (sessions.get(e.s) ?? sessionTouch(e.s)));
    const start = !!e.o && e.s !== NIL_UUID;
    const out = {
      ...typed(e),
      id: eventUuid(e.s, e.i),
      ts,
      visitor_id: e.v,
      session_id: e.s,
      url: e.u,
      page_referrer: e.r,
      title: e.h,
      touch: touch ?? { ts, referrer: '', landing_url: '' },
      session_start: start || undefined,
      first_touch: start ? (e.f ? firstTouch(e.f) : touch) : undefined,
    } as DecodedEvent;
    if (!touch) out[NO_TOUCH] = true;
    return out;
  });
  return { site: batch.k, sent_at: batch.t, sdk: batch.d, events };
}

/** The batch in v1 terms, every event with its touch when one is known (see the module comment). */
export async function decodeV2(
  batch: ValidEventBatchV2,
  siteId: string,
  touches: SessionTouches,
): Promise<ValidEventBatch & { events: DecodedEvent[] }> {
  const own = ownTouches(batch);
  const carried = new Set<string>();
  for (const [e, t] of own) if (e.s !== NIL_UUID) (touches.remember(siteId, e.s, t), carried.add(e.s));
  const wanting = batch.e.filter((e) => e.s !== NIL_UUID && !carried.has(e.s));
  const oldest = batch.t - Math.max(0, ...wanting.map((e) => e.t));
  const known = await touches.find(siteId, [...new Set(wanting.map((e) => e.s))], oldest);
  return toV1(batch, (s) => known.get(s), own);
}
