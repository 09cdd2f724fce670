/**
 * The closeloop wire contract: version 3 (what the SDK sends: version 2 by position, {@link EventBatchV3}),
 * version 2 (compact, named fields, {@link EventBatchV2}) and version 1 (the first one: {@link EventBatch});
 * the collector accepts all three. Plain types only — no runtime code (the v3 field order is contract/wire.ts).
 *
 * The SDK builds these objects; the collector validates them with zod schemas declared
 * `satisfies z.ZodType<…>` against these very types (collector/src/ingest/schema.ts),
 * so a change here that the collector does not follow fails the type check.
 *
 * Transport: `POST {endpoint}/v1/events`, body = JSON of {@link EventBatch}, sent as
 * `text/plain` (no CORS preflight) or `application/json`. Answer: `202` {@link EventBatchAccepted},
 * or a 4xx/5xx {@link ErrorBody}.
 */

/** Ad platform click ids captured from the landing URL: the one list is contract/click-ids.ts. */
import type { ClickIdName } from '../../contract/click-ids.js';

export type { ClickIdName };

/** Where a session came from: captured once, on the session's first page. */
export interface Touch {
  /** When the session started (ms since epoch, client clock). */
  ts: number;
  /** Full `document.referrer` of the landing page ('' when there was none). */
  referrer: string;
  /** Full URL of the landing page. */
  landing_url: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_term?: string;
  utm_content?: string;
  /** Click ids found on the landing URL, e.g. `{ gclid: 'abc' }`. */
  click_ids?: Partial<Record<ClickIdName, string>>;
}

/** Fields every event carries. */
export interface EventBase {
  /** Random UUID (v4) made by the SDK; the collector drops repeats of the same id. */
  id: string;
  /** When it happened (ms since epoch, client clock; the collector corrects gross skew). */
  ts: number;
  /** First-party visitor id (UUID) from the visitor cookie. */
  visitor_id: string;
  /** Session id (UUID); a session ends after 30 minutes without activity or on a new campaign. */
  session_id: string;
  /** Full URL of the page the event happened on. */
  url: string;
  /** `document.referrer` of that page (often another page of the same site). */
  page_referrer?: string;
  /** `document.title` of that page. */
  title?: string;
  /** The touch of the session this event belongs to. */
  touch: Touch;
  /** True on the first event of a session: the row that stands for the session's touch. */
  session_start?: boolean;
  /** The visitor's very first touch, kept in the browser; sent on session-start events. */
  first_touch?: Touch;
}

/** A page view: a full page load, a single-page-app navigation or a back/forward-cache restore. */
export interface PageviewEvent extends EventBase {
  type: 'pageview';
}

/** Property values a custom event may carry. */
export type PropValue = string | number | boolean;

/** A custom event from `track(name, props)`. */
export interface CustomEvent extends EventBase {
  type: 'custom';
  name: string;
  props?: Record<string, PropValue>;
}

/** A submitted form: what the SDK may read of it (never passwords, hidden, card, CVV, IBAN, id-number or security-answer fields). */
export interface FormEvent extends EventBase {
  type: 'form';
  form: {
    /** The form's id, else its name, else ''. */
    id: string;
    action?: string;
    /** Non-sensitive fields by name (values truncated). */
    fields: Record<string, string>;
  };
  /** The value of the field that holds an email address, when one was found. */
  email?: string;
}

/** `identify(email | userId, traits)`: the site knows who the visitor is (login, checkout). */
export interface IdentifyEvent extends EventBase {
  type: 'identify';
  email?: string;
  user_id?: string;
  traits?: Record<string, PropValue>;
}

/**
 * A consent decision (`consent('granted' | 'denied')`), stored so a site can prove consent: who
 * (the visitor id; the zero UUID when denied before any id existed), when, and which policy version.
 */
export interface ConsentEvent extends EventBase {
  type: 'consent';
  state: 'granted' | 'denied';
  /** The site's policy version the visitor saw, e.g. `2026-05`. */
  policy?: string;
}

export type ClEvent = PageviewEvent | CustomEvent | FormEvent | IdentifyEvent | ConsentEvent;
export type EventType = ClEvent['type'];

/** The body of `POST /v1/events`. */
export interface EventBatch {
  /** The site's public key, as in the script tag's `data-site`. */
  site: string;
  /** When the batch was sent (ms since epoch, client clock); lets the collector correct clock skew. */
  sent_at?: number;
  /** SDK version that built the batch. */
  sdk?: string;
  events: ClEvent[];
}

/** `202` answer to an accepted batch. */
export interface EventBatchAccepted {
  accepted: number;
  /**
   * The visitor id the collector's own `HttpOnly` cookie holds, when the collector is served from the
   * site's own domain and knew this browser before (see collector/src/routes/visitor-cookie.ts). The
   * SDK adopts it: it outlives script-set cookies, which Safari caps at 7 days.
   */
  visitor_id?: string;
}

// ---------------------------------------------------------------------------------------------
// Version 2: the same events in fewer bytes. Short keys; empty values left out; an event's time
// relative to the batch's; the session's touch sent once, on the session's first event, and only
// what differs from that event (on a landing page: nothing but `o: {}`); the visitor's first touch
// only when it is not this session's. The collector turns each v2 event into the v1 event it
// stands for (collector/src/ingest/wire-v2.ts) and fills the touch of events that do not carry it
// from the session's first event (same batch, recently seen, or stored).
// ---------------------------------------------------------------------------------------------

/**
 * A touch relative to the event that carries it: `r` (referrer) left out = the event's `r`, `l`
 * (landing URL) left out = the event's `u`. Its time is the event's; UTM tags and click ids are read
 * from the landing URL by the collector.
 */
export interface TouchV2 {
  r?: string;
  l?: string;
}

/** The visitor's first touch (absolute): when (`t`, ms since epoch), the referrer and the landing URL. */
export interface FirstTouchV2 {
  t: number;
  r: string;
  l: string;
}

/** Fields every v2 event carries. */
export interface EventBaseV2 {
  /**
   * Event id, unique within the session: the event's number in it (0, 1, …; below 2³²), or 12 to 32
   * random lowercase hex digits (events without a session: the zero session id). The collector
   * derives the stored UUID `event_id` from the session id and this, so repeats of an event fold as
   * in v1; a number becomes the row's compact `event_key`.
   */
  i: number | string;
  /** Milliseconds before the batch's `t` the event happened. */
  t: number;
  /**
   * Visitor id: a UUID, or (what the SDK sends) its 16 bytes in base64 without padding, 22 characters
   * (base64url's `-` and `_` read too); the collector expands it (collector/src/ingest/wire-id.ts).
   */
  v: string;
  /** Session id, as `v`; the zero UUID (`AAAAAAAAAAAAAAAAAAAAAA`) for anonymous events (consent pending or denied). */
  s: string;
  /** Full URL of the page. */
  u: string;
  /** The page's referrer, left out when none. */
  r?: string;
  /** The page's title, left out when none. */
  h?: string;
  /**
   * The session's touch: on the session's first event (which then starts the session), and on every
   * anonymous event (zero session id: each is its own touch, and starts no session).
   */
  o?: TouchV2;
  /**
   * On a session's first event: the visitor's first touch, when it is not this session's (a v1
   * {@link Touch} when an SDK upgraded from 0.1 kept it).
   */
  f?: FirstTouchV2 | Touch;
}

/** Page view (v1 `pageview`). */
export interface PageviewEventV2 extends EventBaseV2 {
  y: 'p';
}
/** Custom event (v1 `custom`): `n` name, `p` props. */
export interface CustomEventV2 extends EventBaseV2 {
  y: 'c';
  n: string;
  p?: Record<string, PropValue>;
}
/** Form (v1 `form`): `n` the form's id/name, `a` action, `p` fields, `m` email. */
export interface FormEventV2 extends EventBaseV2 {
  y: 'f';
  n: string;
  a?: string;
  p: Record<string, string>;
  m?: string;
}
/** Identify (v1 `identify`): `m` email or `w` the site's user id, `p` traits. */
export interface IdentifyEventV2 extends EventBaseV2 {
  y: 'i';
  m?: string;
  w?: string;
  p?: Record<string, PropValue>;
}
/** Consent decision (v1 `consent`): `n` the state, `a` the policy version. */
export interface ConsentEventV2 extends EventBaseV2 {
  y: 'k';
  n: 'granted' | 'denied';
  a?: string;
}

/**
 * Engagement (v1: custom event `engagement` with prop `ms`): `g` milliseconds the page was visible
 * since the last report. Sent without a title (`h`).
 */
export interface EngagementEventV2 extends EventBaseV2 {
  y: 'e';
  g: number;
}

export type ClEventV2 =
  PageviewEventV2 | CustomEventV2 | FormEventV2 | IdentifyEventV2 | ConsentEventV2 | EngagementEventV2;

/** The body of `POST /v1/events`, version 2. */
export interface EventBatchV2 {
  /** Wire format version. */
  v: 2;
  /** The site's public key (v1 `site`). */
  k: string;
  /** When the batch was sent (ms since epoch, client clock; v1 `sent_at`). */
  t: number;
  /** SDK version (v1 `sdk`). */
  d?: string;
  e: ClEventV2[];
}

// ---------------------------------------------------------------------------------------------
// Version 3: version 2 with the fields every event has by position, not by name. The batch is an
// array `[3, k, t, d, events]` (`t` in base 36), each event `[y, i, t, v, s, u, h, rest]`: type, id, time, visitor,
// session, URL, title — for an engagement (`y: 'e'`, which has no title) its `g` — and `rest`, the
// object of the event's other v2 fields by name (`r`, `o`, `f`, `n`, `a`, `p`, `m`, `w`). `null`
// stands for an empty position. A landing page view is `["p", i, t, v, s, u, "Title", {"o": {}}]`,
// an engagement `["e", i, t, v, s, u, 1585, {}]`. The collector reads it as the v2 batch it stands
// for (contract/wire.ts `fromV3`), a positional field winning over a named one in `rest`.
// ---------------------------------------------------------------------------------------------

/** A v3 event (see above). */
export type ClEventV3 = [
  y: ClEventV2['y'],
  i: string,
  t: number,
  v: string,
  s: string,
  u: string,
  h: string | number | null,
  rest: Partial<Record<'r' | 'o' | 'f' | 'n' | 'a' | 'p' | 'm' | 'w', unknown>>,
];

/**
 * The body of `POST /v1/events`, version 3: format version, site key, sent time (ms since the epoch in
 * base 36, e.g. `"mipuzsh5"`, or a number), SDK version, events.
 */
export type EventBatchV3 = [v: 3, k: string, t: string | number, d: string | null, e: ClEventV3[]];

/** Every 4xx/5xx answer of the collector. `code` is stable (see collector/src/base/errors.ts). */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  /** For validation errors: where in the body the first problem is, e.g. `events.0.ts`. */
  path?: string;
  /** For validation errors: every problem found (bounded). */
  issues?: { path: string; message: string }[];
}
