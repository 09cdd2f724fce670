/**
 * Demo data: a seeded, realistic 90 days of traffic for the demo site, so that a newcomer who runs
 * `npm start` sees real numbers and charts at once. Visitors arrive from a dozen campaigns and from
 * search, social, referrals and direct, come back over several sessions (more often by Direct and
 * Email), some on a second device; a few percent fill the lead form (channel-dependent), some of
 * those become customers a few weeks later through CRM deals (some lost); paid campaigns have daily
 * costs. Events go through the same enrichment as live ones (toEventRow), so channels, identities
 * and lead stages are exactly what the collector would have stored.
 *
 * Runs once, at a demo start, when the demo site has no events yet (CLOSELOOP_DEMO_DATA=false
 * turns it off). Same seed, same data set, shifted to end at the time it was generated.
 */
import { recordConversions, type Conversion } from '../crm/conversions.js';
import { recordCosts, type Cost } from '../crm/costs.js';
import { EventSchema, type ValidEvent } from '../ingest/schema.js';
import { toEventRow, type BatchContext } from '../ingest/to-row.js';
import { parseUserAgent } from '../ingest/user-agent.js';
import { DEMO_SITE } from '../sites/demo.js';
import type { Db } from '../storage/db.js';
import { eventJsonRow, type EventRow } from '../storage/events.js';
import {
  ARRIVALS,
  type Arrival,
  COMPANIES,
  FIRST,
  LAST,
  PAGES,
  PLANS,
  prng,
  RETURNS,
  statedSource,
  USER_AGENTS,
} from './catalog.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DAYS = 90;

export interface DemoData {
  visitors: number;
  events: number;
  leads: number;
  deals: number;
  costs: number;
}

/** Whether the demo site has data already. */
export async function hasDemoData(db: Db): Promise<boolean> {
  const [row] = await db.query<{ n: string }>(
    `SELECT count() AS n FROM ${db.database}.events WHERE site_id = {site:String}`,
    { site: DEMO_SITE.site_id },
  );
  return Number(row?.n ?? 0) > 0;
}

/**
 * Builds the data set; `end` is its last moment, `origin` the demo site's (where the collector runs,
 * so seeded landing pages open). Pure: the same seed, end and origin give the same data.
 */
export function generateDemoData(end: number, visitorCount = 3000, seed = 20261125, origin = 'http://localhost:8080') {
  const r = prng(seed);
  const start = end - DAYS * DAY;
  const uaInfo = USER_AGENTS.map(parseUserAgent);
  const totalWeight = ARRIVALS.reduce((a, x) => a + x.weight, 0);
  const byName = new Map(ARRIVALS.map((a) => [a.name, a]));
  const drawArrival = () => {
    let w = r.next() * totalWeight;
    for (const a of ARRIVALS) if ((w -= a.weight) < 0) return a;
    return ARRIVALS[0]!;
  };
  const rows: EventRow[] = [];
  const conversions: Conversion[] = [];
  let leads = 0;

  const session = (
    visitor: string,
    ua: number,
    at: number,
    arrival: Arrival,
    pages: number,
    identify?: { email: string; form: boolean; name: string },
  ) => {
    const params = new URLSearchParams();
    if (arrival.utm) {
      params.set('utm_source', arrival.utm.source);
      params.set('utm_medium', arrival.utm.medium);
      params.set('utm_campaign', arrival.utm.campaign);
      if (arrival.utm.term) params.set('utm_term', arrival.utm.term);
      if (arrival.utm.content) params.set('utm_content', arrival.utm.content);
    }
    if (arrival.clickId) params.set(arrival.clickId, r.uuid().slice(0, 12));
    const landingPage =
      arrival.name === 'referral' || arrival.utm?.medium === 'email'
        ? PAGES[2]!
        : r.chance(0.7)
          ? PAGES[0]!
          : r.pick(PAGES.slice(0, 4));
    const landing = `${origin}${landingPage.path}${params.size ? `?${params}` : ''}`;
    const touch = {
      ts: at,
      referrer: arrival.referrer,
      landing_url: landing,
      ...(arrival.utm
        ? { utm_source: arrival.utm.source, utm_medium: arrival.utm.medium, utm_campaign: arrival.utm.campaign }
        : {}),
      ...(arrival.utm?.term ? { utm_term: arrival.utm.term } : {}),
      ...(arrival.utm?.content ? { utm_content: arrival.utm.content } : {}),
      ...(arrival.clickId ? { click_ids: { [arrival.clickId]: params.get(arrival.clickId)! } } : {}),
    };
    const sessionId = r.uuid();
    let t = at;
    let prev = '';
    const path = [landingPage, ...Array.from({ length: pages - 1 }, () => r.pick(PAGES))];
    if (identify?.form) path.push(PAGES[4]!);
    const events: unknown[] = path.map((p, i) => {
      const url = i === 0 ? landing : `${origin}${p.path}`;
      const e = {
        type: 'pageview',
        id: r.uuid(),
        ts: t,
        visitor_id: visitor,
        session_id: sessionId,
        url,
        title: p.title,
        page_referrer: i === 0 ? arrival.referrer : prev,
        touch,
        ...(i === 0 ? { session_start: true } : {}),
      };
      prev = url;
      t += 20_000 + Math.floor(r.next() * 100_000);
      return e;
    });
    if (r.chance(0.3))
      events.push({
        type: 'custom',
        id: r.uuid(),
        ts: t,
        visitor_id: visitor,
        session_id: sessionId,
        url: prev,
        touch,
        name: 'engagement',
        props: { ms: 15_000 + Math.floor(r.next() * 200_000) },
      });
    if (identify) {
      const base = { id: r.uuid(), ts: t + 30_000, visitor_id: visitor, session_id: sessionId, url: prev, touch };
      events.push(
        identify.form
          ? {
              ...base,
              type: 'form',
              form: {
                id: 'demo-request',
                action: '/demo/forms/demo-request',
                fields: {
                  name: identify.name,
                  email: identify.email,
                  company: identify.email.split('@')[1]!.split('.')[0]!,
                  team_size: r.pick(['1-10', '11-50', '51-200', '200+']),
                  ...statedSource(identify.email, arrival.name),
                },
              },
              email: identify.email,
            }
          : { ...base, type: 'identify', email: identify.email },
      );
    }
    for (const raw of events) {
      const e = EventSchema.parse(raw) as ValidEvent;
      const ctx: BatchContext = {
        siteId: DEMO_SITE.site_id,
        siteDomains: DEMO_SITE.domains,
        retentionDays: 0,
        receivedAt: e.ts,
        clockOffset: 0,
        userAgent: uaInfo[ua]!,
        sdkVersion: 'demo-data',
      };
      rows.push(toEventRow(e, ctx));
    }
    return t;
  };

  for (let v = 0; v < visitorCount; v++) {
    // Traffic grows by about half over the period; visits happen between 7:00 and 23:00.
    const dayIndex = Math.floor(DAYS * Math.sqrt(r.next()));
    let at = start + dayIndex * DAY + 7 * HOUR + Math.floor(r.next() * 16 * HOUR);
    if (at > end - HOUR) continue;
    const first = drawArrival();
    const visitor = r.uuid();
    const ua = Math.floor(r.next() * USER_AGENTS.length);
    const sessions = 1 + Math.floor(r.next() ** 2 * 5);
    const becomesLead = r.chance(first.leadRate * (1 + sessions / 3));
    const leadSession = becomesLead ? Math.floor(r.next() * sessions) : -1;
    const name = `${r.pick(FIRST)} ${r.pick(LAST)}`;
    const email = `${name.replace(' ', '.')}.${v}@${r.pick(COMPANIES)}.example`;
    let leadAt = 0;
    for (let s = 0; s < sessions && at < end - HOUR; s++) {
      const arrival = s === 0 ? first : byName.get(r.pick(RETURNS))!;
      const identify = s === leadSession ? { email, name, form: true } : undefined;
      const leftAt = session(visitor, ua, at, arrival, 1 + Math.floor(r.next() * 4), identify);
      if (identify) leadAt = leftAt + 30_000;
      at += HOUR * (6 + Math.floor(r.next() * 24 * 9));
    }
    if (!leadAt) continue;
    leads++;
    // A second device for some leads: later visits from the work laptop, identified by login.
    if (r.chance(0.2)) {
      const at2 = leadAt + DAY * (1 + Math.floor(r.next() * 10));
      if (at2 < end - HOUR)
        session(r.uuid(), (ua + 1) % USER_AGENTS.length, at2, byName.get(r.pick(RETURNS))!, 2, {
          email,
          name,
          form: false,
        });
    }
    // The CRM: some leads qualify, get an opportunity, and win or lose a deal weeks later.
    const closeAt = leadAt + DAY * (7 + Math.floor(r.next() * 35));
    if (closeAt >= end) continue;
    if (r.chance(0.5)) conversions.push({ record_id: `LC-${v}`, email, stage: 'mql', ts: leadAt + DAY * 2 });
    if (r.chance(first.winRate * 1.8)) {
      conversions.push({ record_id: `OPP-${v}`, email, stage: 'opportunity', ts: closeAt - DAY * 5 });
      const won = r.chance(0.55);
      conversions.push({
        record_id: `DEAL-${v}`,
        email,
        stage: won ? 'customer' : 'lost',
        amount: r.pick(PLANS),
        currency: 'EUR',
        ts: closeAt,
      });
    }
  }

  const costs: Cost[] = [];
  for (const a of ARRIVALS) {
    if (!a.dailyCost || !a.utm) continue;
    for (let d = 0; d < DAYS; d++) {
      const day = new Date(start + d * DAY).toISOString().slice(0, 10);
      const amount = Math.round(a.dailyCost * (0.6 + 0.8 * r.next()) * (0.7 + (0.6 * d) / DAYS) * 100) / 100;
      costs.push({
        date: day,
        source: a.utm.source,
        medium: a.utm.medium,
        campaign: a.utm.campaign,
        amount,
        currency: 'EUR',
      });
    }
  }
  return { rows, conversions, costs, leads };
}

/** Stores the demo data set ending now, its pages at `origin`. */
export async function seedDemoData(db: Db, end = Date.now(), visitorCount = 3000, origin?: string): Promise<DemoData> {
  const data = generateDemoData(end, visitorCount, undefined, origin);
  for (let i = 0; i < data.rows.length; i += 20_000)
    await db.insert('events', data.rows.slice(i, i + 20_000).map(eventJsonRow));
  for (let i = 0; i < data.conversions.length; i += 1000)
    await recordConversions(db, DEMO_SITE.site_id, data.conversions.slice(i, i + 1000));
  for (let i = 0; i < data.costs.length; i += 1000)
    await recordCosts(db, DEMO_SITE.site_id, data.costs.slice(i, i + 1000));
  return {
    visitors: new Set(data.rows.map((row) => row.visitor_id)).size,
    events: data.rows.length,
    leads: data.leads,
    deals: data.conversions.filter((c) => c.amount !== undefined).length,
    costs: data.costs.length,
  };
}
