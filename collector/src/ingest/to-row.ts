/**
 * The one mapper from a validated wire event to an `events` row: clock correction, URL parts
 * (without personal query parameters: url-scrub.ts), the session's touch with its channel, and the
 * User-Agent enrichment.
 */
import { CLICK_IDS } from '../../../contract/click-ids.js';
import type { Touch } from '../../../sdk/src/protocol.js';
import { personId, personKey } from '../identity/person.js';
import { TOUCH_COLUMNS, type EventRow } from '../storage/events.js';
import { NIL_UUID } from '../storage/identities.js';
import { classifyChannel } from './channel.js';
import { scrubUrl } from './url-scrub.js';
import type { ValidEvent } from './schema.js';
import type { UserAgentInfo } from './user-agent.js';

/** What the request tells about all events of one batch. */
export interface BatchContext {
  siteId: string;
  siteDomains: readonly string[];
  /** The site's retention in days (0: kept), stored with each row for the TTL. */
  retentionDays: number;
  receivedAt: number;
  /** Server time minus the client's `sent_at`; 0 when the client clock is close enough. */
  clockOffset: number;
  userAgent: UserAgentInfo;
  sdkVersion: string;
  /** Normalized names of the fields of the batch's captured forms: URL parameters so named are dropped. */
  formFields?: ReadonlySet<string>;
}

/** A client clock closer than this to ours is trusted as is (keeps retried events' ts identical). */
const TRUSTED_SKEW_MS = 60_000;
/** Events older than this (offline queues) are kept at their time; older ones are clamped. */
const MAX_EVENT_AGE_MS = 30 * 24 * 3600_000;

export function clockOffset(receivedAt: number, sentAt: number | undefined): number {
  if (sentAt === undefined) return 0;
  const offset = receivedAt - sentAt;
  return Math.abs(offset) > TRUSTED_SKEW_MS ? offset : 0;
}

export function correctTime(clientTs: number, ctx: Pick<BatchContext, 'receivedAt' | 'clockOffset'>): number {
  const ts = clientTs + ctx.clockOffset;
  if (ts > ctx.receivedAt + TRUSTED_SKEW_MS || ts < ctx.receivedAt - MAX_EVENT_AGE_MS) return ctx.receivedAt;
  return ts;
}

/** Click ids in the order of precedence (the contract's): a touch with several keeps the first as its row's `click_id_type`, as its channel does. */
export const CLICK_ID_ORDER = CLICK_IDS;

export function toEventRow(e: ValidEvent, ctx: BatchContext): EventRow {
  const url = scrubUrl(e.url, ctx.formFields);
  const ua = ctx.userAgent;
  const who = identityOf(e, ctx.siteId);
  // The touch is stored on the row that starts the session (or an anonymous row, its own touch) only (storage/events-layout.ts).
  const t = e.session_start === true || e.session_id === NIL_UUID ? cachedTouchColumns(e.touch, ctx) : NO_TOUCH_COLUMNS;
  // One object literal, every column named (no spreads): the hot path's row has one shape, built in one step.
  return {
    site_id: ctx.siteId,
    event_id: e.id,
    type: e.type,
    name: e.type === 'custom' ? e.name : e.type === 'form' ? e.form.id : e.type === 'consent' ? e.state : '',
    ts: correctTime(e.ts, ctx),
    received_at: ctx.receivedAt,
    visitor_id: e.visitor_id,
    session_id: e.session_id,
    session_start: e.session_start === true,
    url,
    hostname: hostnameOf(url),
    title: e.title ?? '',
    page_referrer: scrubUrl(e.page_referrer ?? '', ctx.formFields),
    session_ts: correctTime(e.touch.ts, ctx),
    referrer: t.referrer,
    referrer_domain: t.referrer_domain,
    landing_url: t.landing_url,
    channel: t.channel,
    source: t.source,
    medium: t.medium,
    utm_source: t.utm_source,
    utm_medium: t.utm_medium,
    utm_campaign: t.utm_campaign,
    utm_term: t.utm_term,
    utm_content: t.utm_content,
    click_id_type: t.click_id_type,
    click_id: t.click_id,
    props: propsOf(e, ctx.formFields),
    first_touch: e.first_touch ? JSON.stringify(scrubTouch(e.first_touch, ctx.formFields)) : '',
    browser: ua.browser,
    browser_version: ua.browser_version,
    os: ua.os,
    os_version: ua.os_version,
    device_type: ua.device_type,
    is_bot: ua.is_bot,
    sdk_version: ctx.sdkVersion,
    retention_days: ctx.retentionDays,
    // A bot's form fill is spam: kept (with its fields and email, for review and erasure) but it names
    // no person, so it makes no lead, links no visitor and is credited nowhere (docs/crm.md).
    person_id: ua.is_bot ? NIL_UUID : who.person_id,
    email: who.email,
    user_id: who.user_id,
  };
}

type TouchColumns = Pick<EventRow, (typeof TOUCH_COLUMNS)[number]>;

/** The touch columns of a row that does not carry its session's touch. */
const NO_TOUCH_COLUMNS: Readonly<TouchColumns> = Object.freeze(
  Object.fromEntries(TOUCH_COLUMNS.map((c) => [c, ''])) as TouchColumns,
);

/**
 * The touch columns of recent touches, per site (keyed by the site's domains array, which a change of
 * the site's domains replaces; at most TOUCH_CACHE_SITES arrays, then the cache starts again):
 * classifying a touch (URL parsing, referrer lookup) costs several times the rest of its row, and
 * touches repeat — many sessions start from the same link, a session's touch comes with each of its
 * anonymous events, a retried batch brings its touches again.
 * Found by the landing URL, then by comparing every other field the columns depend on (no key text
 * is built: joining the fields and hashing the result cost as much as the rest of the lookup). Only
 * touches whose URLs scrubbing leaves as they are are kept, so the cache holds no personal query
 * parameter; a batch of a site with learned form field names (which also scrub URLs) is not cached. At most
 * TOUCH_CACHE_SIZE touches per site (then that site's cache starts again) and TOUCHES_PER_LANDING per
 * landing URL (then the oldest goes): a client sending ever-new touches costs what it did without a cache.
 */
const touchCache = new Map<readonly string[], SiteTouches>();
const TOUCH_CACHE_SIZE = 1000;
/** Touches kept per landing URL (different referrers, campaigns, click ids), each compared on a lookup. */
const TOUCHES_PER_LANDING = 8;
/** Sites (domain arrays) cached at most; a changed site's old array then drops out with the rest. */
const TOUCH_CACHE_SITES = 256;
/** Longer touches (long URLs) are classified each time: the cache stays small. */
const TOUCH_KEY_MAX = 2048;

interface SiteTouches {
  byLanding: Map<string, { raw: Touch; cols: TouchColumns }[]>;
  size: number;
}

/**
 * Forgets every cached touch: an erasure (privacy/requests.ts) reaches this copy too — the cache holds
 * recent sessions' scrubbed landing URLs and referrers, in memory only.
 */
export function forgetCachedTouches(): void {
  touchCache.clear();
}

/** How many touches are cached, over all sites. */
export function cachedTouchCount(): number {
  let n = 0;
  for (const site of touchCache.values()) n += site.size;
  return n;
}

function cachedTouchColumns(raw: Touch, ctx: BatchContext): TouchColumns {
  // (A site that never had a form has an empty set of field names: nothing to scrub by, cached.)
  if (ctx.formFields?.size || raw.landing_url.length + raw.referrer.length > TOUCH_KEY_MAX)
    return touchColumns(raw, ctx);
  let site = touchCache.get(ctx.siteDomains);
  if (!site) {
    if (touchCache.size >= TOUCH_CACHE_SITES) touchCache.clear();
    touchCache.set(ctx.siteDomains, (site = { byLanding: new Map(), size: 0 }));
  }
  let seen = site.byLanding.get(raw.landing_url);
  if (seen) for (const t of seen) if (sameTouch(t.raw, raw)) return t.cols;
  const touch = scrubTouch(raw, ctx.formFields);
  const cols = columnsOf(touch, ctx);
  // A touch whose URLs had personal query parameters is not kept (the cache holds only scrubbed text).
  if (touch !== raw) return cols;
  if (site.size >= TOUCH_CACHE_SIZE) {
    site.byLanding.clear();
    site.size = 0;
    seen = undefined;
  }
  if (!seen) site.byLanding.set(raw.landing_url, (seen = []));
  if (seen.length >= TOUCHES_PER_LANDING) seen.shift();
  else site.size++;
  seen.push({ raw, cols });
  return cols;
}

/** Same columns: every field they depend on is equal (a missing field equals an empty one). Not `ts`. */
function sameTouch(a: Touch, b: Touch): boolean {
  if (
    a.referrer !== b.referrer ||
    !same(a.utm_source, b.utm_source) ||
    !same(a.utm_medium, b.utm_medium) ||
    !same(a.utm_campaign, b.utm_campaign) ||
    !same(a.utm_term, b.utm_term) ||
    !same(a.utm_content, b.utm_content)
  )
    return false;
  if (a.click_ids === b.click_ids) return true;
  for (const k of CLICK_ID_ORDER) if (!same(a.click_ids?.[k], b.click_ids?.[k])) return false;
  return true;
}

const same = (x: string | undefined, y: string | undefined) => (x || '') === (y || '');

/** A touch as row columns: its URLs scrubbed, its channel classified. */
function touchColumns(raw: Touch, ctx: BatchContext): TouchColumns {
  return columnsOf(scrubTouch(raw, ctx.formFields), ctx);
}

/** The columns of a scrubbed touch. */
function columnsOf(touch: Touch, ctx: BatchContext): TouchColumns {
  const ch = classifyChannel({
    referrer: touch.referrer,
    landing_url: touch.landing_url,
    utm_source: touch.utm_source,
    utm_medium: touch.utm_medium,
    utm_campaign: touch.utm_campaign,
    click_ids: touch.click_ids,
    siteDomains: ctx.siteDomains,
  });
  const clickIdType = CLICK_ID_ORDER.find((k) => touch.click_ids?.[k]) ?? '';
  return {
    referrer: touch.referrer,
    referrer_domain: ch.referrerDomain,
    landing_url: touch.landing_url,
    channel: ch.channel,
    source: ch.source,
    medium: ch.medium,
    utm_source: touch.utm_source ?? '',
    utm_medium: touch.utm_medium ?? '',
    utm_campaign: touch.utm_campaign ?? '',
    utm_term: touch.utm_term ?? '',
    utm_content: touch.utm_content ?? '',
    click_id_type: clickIdType,
    click_id: clickIdType ? (touch.click_ids?.[clickIdType] ?? '') : '',
  };
}

/** A touch's URLs without personal query parameters (ingest/url-scrub.ts). */
function scrubTouch(t: Touch, formFields: ReadonlySet<string> | undefined): Touch {
  const referrer = scrubUrl(t.referrer, formFields);
  const landing = scrubUrl(t.landing_url, formFields);
  return referrer === t.referrer && landing === t.landing_url ? t : { ...t, referrer, landing_url: landing };
}

/** Form fields (plus the form's action) or identify traits or custom properties, as strings. */
function propsOf(e: ValidEvent, formFields: ReadonlySet<string> | undefined): Record<string, string> {
  switch (e.type) {
    case 'custom':
      return e.props ? stringifyProps(e.props) : {};
    case 'identify':
      return e.traits ? stringifyProps(e.traits) : {};
    case 'consent':
      return e.policy ? { policy: e.policy } : {};
    case 'form':
      return e.form.action
        ? { ...e.form.fields, 'form.action': scrubUrl(e.form.action, formFields) }
        : { ...e.form.fields };
    default:
      return {};
  }
}

/** Who an identifying event names: normalized email / user id and the person they derive. */
function identityOf(e: ValidEvent, siteId: string): Pick<EventRow, 'person_id' | 'email' | 'user_id'> {
  const email = e.type === 'form' || e.type === 'identify' ? e.email : undefined;
  const userId = e.type === 'identify' ? e.user_id : undefined;
  const key = personKey(email, userId);
  if (!key) return { person_id: NIL_UUID, email: '', user_id: '' };
  return {
    person_id: personId(siteId, key),
    email: 'email' in key ? key.email : '',
    user_id: userId ? userId.trim() : '',
  };
}

function stringifyProps(props: Record<string, string | number | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) out[k] = String(v);
  return out;
}

/**
 * Hostnames by a URL's scheme and authority ('https://shop.test:8443'): parsing a URL costs about as
 * much as the rest of its row. At most HOSTNAMES_KEPT, then the cache starts again.
 */
const hostnames = new Map<string, string>();
const HOSTNAMES_KEPT = 1000;

/**
 * The hostname of a URL as the WHATWG URL parser gives it, lower-cased; '' when it does not parse
 * (never throws). An http(s) URL whose authority is printable ASCII without '\\' and '@' ends its
 * authority at the first '/', '?' or '#', and its scheme and authority alone decide the hostname:
 * such URLs are looked up in the cache by that prefix (never with credentials: nothing personal is
 * kept). Anything else is parsed whole.
 */
export function hostnameOf(url: string): string {
  const from = url.startsWith('https://') ? 8 : url.startsWith('http://') ? 7 : 0;
  let end = from;
  if (from)
    for (; end < url.length; end++) {
      const c = url.charCodeAt(end);
      if (c === 47 || c === 63 || c === 35) break; // '/', '?', '#'
      if (c <= 32 || c >= 127 || c === 92 || c === 64) {
        end = from; // space or control, non-ASCII, '\\', '@'
        break;
      }
    }
  if (end === from) return parsedHostname(url);
  const prefix = url.slice(0, end);
  let host = hostnames.get(prefix);
  if (host === undefined) {
    if (hostnames.size >= HOSTNAMES_KEPT) hostnames.clear();
    hostnames.set(prefix, (host = parsedHostname(prefix)));
  }
  return host;
}

function parsedHostname(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
