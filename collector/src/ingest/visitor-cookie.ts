/**
 * The collector's own visitor cookie, for sites that serve the collector first-party.
 *
 * Safari (ITP) caps cookies set by script (`document.cookie`) at 7 days; cookies set by a server in
 * an HTTP answer of the site's own domain are not capped that way. So when the collector answers
 * `POST /v1/events` on the page's own host (a first-party path such as `https://shop.example/cl/`
 * proxied to the collector, or the collector serving the page itself as in the demo) or on a domain
 * of the site, that very answer — no extra round trip — re-sets the visitor id as the cookie
 * `_cl_sid`: `HttpOnly`, `SameSite=Lax`, `Secure` on https, `Path=/`, host-only, 400 days.
 *
 * When the request already carries `_cl_sid` with another id than the batch's (the script cookie was
 * capped or deleted, and the SDK made a new id), the server cookie keeps its id, and the batch's
 * events of that new id — the batch's visitor id, that of its last event with one — are stored under
 * the cookie's id: they are rewritten before enrichment (events.ts), so their rows, their touches and
 * the identities linked by identify/form events all name the visitor the cookie knows, and the
 * visitor is not split in two. Events of other ids in the batch (the outbox of earlier pages) and the
 * anonymous ones (zero UUID) are stored as sent. The 202 answer names the cookie's id as
 * `visitor_id`; the SDK adopts it (sdk/src/tracker.ts) for the following events.
 *
 * Only for browser requests (with an `Origin`, which authorizeBatch has checked against the site's
 * domains); never for the zero UUID, and a batch with a consent denial clears the cookie instead
 * (and is stored as sent).
 */
import type { FastifyRequest } from 'fastify';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { originAllowed, originHost } from '../sites/origin.js';
import { NIL_UUID } from '../storage/identities.js';
import type { Site } from '../storage/sites.js';

/** Name of the server-set visitor cookie (fixed; the script's own cookie is `_cl_vid` unless configured). */
export const VISITOR_COOKIE = '_cl_sid';
/** 400 days, the most browsers keep a cookie. */
export const VISITOR_COOKIE_MAX_AGE_S = 400 * 86_400;

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;
const COOKIE_VALUE = new RegExp(`(?:^|;)\\s*${VISITOR_COOKIE}=([^;]*)`);

/**
 * Whether the answer to this request lands first-party: on the page's own host, or on a host within
 * the same domain of the site as the page (`c.shop.example` for `www.shop.example`).
 */
function firstParty(req: FastifyRequest, site: Site): boolean {
  const origin = req.headers.origin;
  if (!origin) return false; // servers, curl: no browser to keep a cookie
  const collector = `${req.protocol}://${req.hostname}`; // with trustProxy, the host the browser asked for
  const host = originHost(collector);
  if (host === null) return false; // no usable Host header
  return (
    originAllowed(origin, [], [host]) ||
    site.domains.some((d) => originAllowed(origin, [d]) && originAllowed(collector, [d]))
  );
}

/** What the cookie makes of a batch (visitorCookie). */
export interface VisitorCookie<E extends ClEvent> {
  /** The events to store: the batch's, those of its visitor id moved to the id the cookie knows. */
  events: E[];
  /** The `Set-Cookie` header for the answer (setting or clearing `_cl_sid`); none when not first-party. */
  setCookie?: string;
  /** The id the SDK should adopt (the answer's `visitor_id`), when it differs from the batch's. */
  visitorId?: string;
}

/**
 * Reads `_cl_sid` from the request to `POST /v1/events` and decides, before the batch is enriched,
 * which events to store under which visitor id, which cookie the answer sets (or clears) and which id
 * the answer names. Only the batch's visitor id is replaced; the events are not mutated.
 */
export function visitorCookie<E extends ClEvent>(req: FastifyRequest, site: Site, events: E[]): VisitorCookie<E> {
  if (!firstParty(req, site)) return { events };
  const attrs = `; Path=/; HttpOnly; SameSite=Lax${req.protocol === 'https' ? '; Secure' : ''}`;
  if (events.some((e) => e.type === 'consent' && e.state === 'denied')) {
    return { events, setCookie: `${VISITOR_COOKIE}=; Max-Age=0${attrs}` };
  }
  const batchId = events.filter((e) => e.visitor_id !== NIL_UUID).at(-1)?.visitor_id;
  const known = COOKIE_VALUE.exec(req.headers.cookie ?? '')?.[1];
  const id = known && UUID.test(known) && known !== NIL_UUID ? known : batchId;
  if (!id || !UUID.test(id)) return { events };
  const setCookie = `${VISITOR_COOKIE}=${id}; Max-Age=${VISITOR_COOKIE_MAX_AGE_S}${attrs}`;
  if (id === batchId) return { events, setCookie };
  // The cookie knows this browser by another id: the batch's new id is that visitor.
  return {
    events: events.map((e) => (e.visitor_id === batchId ? { ...e, visitor_id: id } : e)),
    setCookie,
    visitorId: id,
  };
}
