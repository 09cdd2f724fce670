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
 * capped or deleted, and the SDK made a new id), the server cookie keeps its id and the 202 answer
 * names it as `visitor_id`; the SDK adopts it (sdk/src/tracker.ts) for the following events.
 *
 * Only for browser requests (with an `Origin`, which authorizeBatch has checked against the site's
 * domains); never for the zero UUID, and a batch with a consent denial clears the cookie instead.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { originAllowed } from '../plugins/sites.js';
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
  let host: string;
  try {
    host = new URL(collector).hostname;
  } catch {
    return false; // no usable Host header
  }
  return (
    originAllowed(origin, [], [host]) ||
    site.domains.some((d) => originAllowed(origin, [d]) && originAllowed(collector, [d]))
  );
}

/**
 * Sets (or clears) the `_cl_sid` cookie on the answer to `events` and returns the id the SDK should
 * adopt, when it differs from the batch's visitor id; undefined otherwise.
 */
export function visitorCookie(req: FastifyRequest, reply: FastifyReply, site: Site, events: readonly ClEvent[]): string | undefined {
  if (!firstParty(req, site)) return undefined;
  const attrs = `; Path=/; HttpOnly; SameSite=Lax${req.protocol === 'https' ? '; Secure' : ''}`;
  if (events.some((e) => e.type === 'consent' && e.state === 'denied')) {
    reply.header('set-cookie', `${VISITOR_COOKIE}=; Max-Age=0${attrs}`);
    return undefined;
  }
  const batchId = events.filter((e) => e.visitor_id !== NIL_UUID).at(-1)?.visitor_id;
  const known = COOKIE_VALUE.exec(req.headers.cookie ?? '')?.[1];
  const id = known && UUID.test(known) && known !== NIL_UUID ? known : batchId;
  if (!id || !UUID.test(id)) return undefined;
  reply.header('set-cookie', `${VISITOR_COOKIE}=${id}; Max-Age=${VISITOR_COOKIE_MAX_AGE_S}${attrs}`);
  return id !== batchId ? id : undefined;
}
