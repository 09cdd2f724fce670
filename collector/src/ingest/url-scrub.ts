/**
 * Personal data out of stored URLs. A GET form puts what a person typed into the next page's URL
 * (`/thanks?email=ada@example.com&name=Ada`), and links in emails carry addresses and tokens; the
 * `events` table keeps URLs (url, page_referrer, referrer, landing_url, first_touch) for years. So
 * before a URL is stored, every query parameter is dropped that
 * - is named like a field of a form the site's pages captured (this batch's form events and the
 *   latest ones before: CapturedFields), or
 * - has a personal or secret name (PERSONAL_NAMES; also `contact[email]`, `work_phone` …), or
 * - has a value that looks like an email address (also percent-encoded).
 * Everything else — UTM parameters, click ids, paths, fragments — is kept byte for byte, so
 * attribution and channel rules see the same URL as before.
 */
import { CLICK_IDS } from '../../../contract/click-ids.js';

/** Parameter names (lower-case, letters and digits only) that always hold personal data or secrets. */
export const PERSONAL_NAMES: ReadonlySet<string> = new Set([
  'email',
  'mail',
  'emailaddress',
  'phone',
  'tel',
  'telephone',
  'mobile',
  'phonenumber',
  'name',
  'firstname',
  'lastname',
  'fullname',
  'surname',
  'givenname',
  'familyname',
  'password',
  'passwd',
  'pwd',
  'pass',
  'token',
  'accesstoken',
  'idtoken',
  'authtoken',
  'secret',
  'apikey',
  'address',
  'street',
  'zip',
  'zipcode',
  'postcode',
  'postalcode',
  'birthday',
  'birthdate',
  'dob',
  'ssn',
]);
/** A name that ends in one of these is personal too (`contact[email]`, `work_phone`, `user_password`). */
const PERSONAL_SUFFIXES = ['email', 'phone', 'password', 'token'];

const EMAIL = /[^\s@/?&=]+@[^\s@/?&=]+\.[a-z]{2,}/i;

/** `Contact[E-Mail]` → `contactemail`: how names are compared. */
export const normalizeParamName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Attribution parameters exactly as the SDK and ad platforms write them: none is a personal name
 * or suffix, none can be a captured form field (formFieldNames), so a value without `@` and
 * without `%` (which could decode to one) is kept without decoding — the common landing URL's case.
 */
const PLAIN_ATTRIBUTION = new Set([
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'gclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'fbclid',
  'ttclid',
  'li_fat_id',
  'twclid',
]);

function personal(pair: string, formFields: ReadonlySet<string>): boolean {
  const eq = pair.indexOf('=');
  if (
    eq !== -1 &&
    PLAIN_ATTRIBUTION.has(pair.slice(0, eq)) &&
    pair.indexOf('@', eq) === -1 &&
    pair.indexOf('%', eq) === -1
  )
    return false;
  const name = normalizeParamName(decode(eq === -1 ? pair : pair.slice(0, eq)));
  if (name && (PERSONAL_NAMES.has(name) || formFields.has(name) || PERSONAL_SUFFIXES.some((s) => name.endsWith(s))))
    return true;
  return eq !== -1 && EMAIL.test(decode(pair.slice(eq + 1)));
}

/** The URL without personal query parameters (unchanged when it has none; never throws). */
export function scrubUrl(url: string, formFields: ReadonlySet<string> = new Set()): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const end = hash === -1 ? url.length : hash;
  const pairs = url.slice(q + 1, end).split('&');
  const kept = pairs.filter((p) => p === '' || !personal(p, formFields));
  if (kept.length === pairs.length) return url;
  const query = kept.filter((p) => p !== '').join('&');
  return `${url.slice(0, q)}${query ? `?${query}` : ''}${url.slice(end)}`;
}

type FormEvents = readonly { type: string; form?: { fields?: Record<string, unknown> } }[];

/** Names attribution reads from URLs: never dropped, whatever a (possibly forged) form event names. */
const ATTRIBUTION_PARAM = new RegExp(`^(utm|${CLICK_IDS.map(normalizeParamName).join('|')})`);

/** The normalized names of the fields of every form event in a batch. */
export function formFieldNames(events: FormEvents): Set<string> {
  const names = new Set<string>();
  for (const e of events)
    if (e.type === 'form') for (const k of Object.keys(e.form?.fields ?? {})) names.add(normalizeParamName(k));
  for (const n of names) if (!n || ATTRIBUTION_PARAM.test(n)) names.delete(n);
  return names;
}

/**
 * The form field names each site's pages captured lately, so that a GET form's thank-you URL —
 * usually in a later batch than the form event — loses them too. In memory, at most `perSite`
 * names per site (the most recently seen).
 */
export class CapturedFields {
  /** Per site: the names, least recently seen first, and the set handed out (made anew only when they change). */
  private readonly bySite = new Map<string, { names: Map<string, true>; view: ReadonlySet<string> }>();

  constructor(private readonly perSite = 200) {}

  /** Learns the batch's form field names; answers every name known for the site (a set not to be kept: a later batch may replace it). */
  learn(siteId: string, events: FormEvents): ReadonlySet<string> {
    let known = this.bySite.get(siteId);
    if (!known) this.bySite.set(siteId, (known = { names: new Map(), view: new Set() }));
    if (!events.some((e) => e.type === 'form')) return known.view;
    const { names } = known;
    for (const n of formFieldNames(events)) {
      names.delete(n);
      names.set(n, true);
      if (names.size > this.perSite) names.delete(names.keys().next().value!);
    }
    known.view = new Set(names.keys());
    return known.view;
  }
}
