/**
 * Seeded synthetic traffic for attribution-scale.ts, generated inside ClickHouse (INSERT … SELECT
 * FROM numbers()) into the collector's own tables, deterministic in the event number:
 * - event n belongs to visitor n / 8 (8 events per visitor); a visitor has 1–4 sessions (a session
 *   = one touch, its first event has `session_start`), one device type and browser;
 * - a session arrives from one of 50 campaigns (`cmp_0` … `cmp_49`) across 7 paid/owned channels,
 *   or from Direct / Organic Search / Referral;
 * - a person is one visitor, or for 20 % of people two (visitors 2k and 2k+1: two devices);
 * - 4 % of people become leads: the last event of each of their visitors is a form fill (first
 *   device) or an identify call (second device) carrying the person id and email, so the
 *   collector's materialized views write `identities` and the `lead` rows of `stages`, exactly as
 *   for live traffic;
 * - a quarter of leads become customers two weeks later: a `customer` stage and a won deal with
 *   revenue, as a CRM import writes them (`stages`, `deals`);
 * - every campaign has a daily cost (`costs`).
 */
const CHANNELS = ['Paid Search', 'Paid Social', 'Email', 'Display', 'Affiliates', 'Paid Video', 'Organic Social'];
const SOURCES = ['google', 'facebook', 'newsletter', 'gdn', 'partner', 'youtube', 'linkedin'];
const MEDIA = ['cpc', 'paid_social', 'email', 'display', 'affiliate', 'video', 'social'];
const FREE = [
  ['Direct', '', ''],
  ['Organic Search', 'google', 'organic'],
  ['Referral', 'blog.example.org', 'referral'],
];
const PAGES = Array.from({ length: 40 }, (_, i) =>
  i === 0 ? '/' : i < 25 ? `/products/item-${i}` : i < 35 ? `/blog/post-${i}` : `/pricing`,
);
const arr = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(',')}]`;

export const SITE = 'site_bench';
/** A UUID from two 64-bit hashes of the arguments (deterministic, as random-looking as the SDK's). */
const uuid = (...args: string[]) =>
  `reinterpretAsUUID(reinterpretAsFixedString(cityHash64(${args.join(', ')})) || reinterpretAsFixedString(cityHash64(${args.join(', ')}, 99)))`;
/** The person index of visitor v: its pair's first visitor for two-device people, else itself. */
const personOf = (v: string) => `if(cityHash64(intDiv(${v}, 2), 20) % 5 = 0, intDiv(${v}, 2) * 2, ${v})`;
const isLead = (p: string) => `cityHash64(${p}, 15) % 100 < 4`;
const isCustomer = (p: string) => `cityHash64(${p}, 13) % 4 = 0`;

/**
 * Events [from, from + count), with the columns the generator fills (the rest take defaults).
 * `layout`: rows as the collector stores them since version 35 (storage/events-layout.ts: the
 * session's touch on its first event only, `path` computed from `url`, event ids that number the
 * session's events as the SDK's do); as version 33 stored them (random event ids, as the SDK sent
 * before version 35); or as releases before 33 did (the touch on every event, `path` stored). The
 * upgrade test's old stores.
 */
export function eventsInsert(
  db: string,
  from: number,
  count: number,
  layout: 'current' | 'v33' | 'before-33' = 'current',
): string {
  const old = layout === 'before-33';
  // As collector/src/ingest/wire-v2.ts eventUuid makes them: the session's hash, 8000, the event's number.
  const h = `lower(hex(reinterpretAsFixedString(cityHash64(v, s, 8)) || reinterpretAsFixedString(cityHash64(v, s, 8, 99))))`;
  const eventId =
    layout === 'current'
      ? `toUUID(substring(${h}, 1, 8) || '-' || substring(${h}, 9, 4) || '-8' || substring(${h}, 14, 3) || '-8000-' || substring(${h}, 17, 4) || leftPad(lower(hex(toUInt32(n))), 8, '0'))`
      : uuid('number', '16');
  const carries = old ? 'true' : 'first';
  return `INSERT INTO ${db}.events (site_id, event_id, type, name, ts, received_at, visitor_id, session_id, session_start,
      url, hostname, ${old ? 'path, ' : ''}title, page_referrer, session_ts, referrer, referrer_domain, landing_url, channel, source, medium,
      utm_source, utm_medium, utm_campaign, click_id_type, click_id, first_touch, browser, browser_version, os, os_version,
      device_type, is_bot, sdk_version, person_id, email)
    WITH intDiv(number, 8) AS v, number % 8 AS k, 1 + cityHash64(v, 1) % 4 AS spv, intDiv(k * spv, 8) AS s,
      k = 0 OR intDiv((k - 1) * spv, 8) != s AS first,
      ${personOf('v')} AS pidx, ${isLead('pidx')} AND k = 7 AS identifies,
      cityHash64(v, s, 2) % 70 AS c, c < 50 AS paid, c % 7 AS ch, (c - 50) % 3 AS fr,
      toDateTime64('2026-01-01 00:00:00', 3, 'UTC') + toIntervalSecond(cityHash64(v, 3) % (80 * 86400))
        + toIntervalSecond(s * (43200 + cityHash64(v, s, 4) % 259200)) AS sts,
      k - intDiv(s * 8 + spv - 1, spv) AS n, sts + toIntervalSecond(n * 40) AS ets,
      ${arr(PAGES)}[1 + cityHash64(number, 5) % ${PAGES.length}] AS p,
      if(paid, 'cmp_' || toString(c), '') AS campaign,
      if(paid, 'https://shop.example.com/?utm_source=' || ${arr(SOURCES)}[1 + ch] || '&utm_medium=' || ${arr(MEDIA)}[1 + ch]
        || '&utm_campaign=' || campaign, 'https://shop.example.com/') AS landing,
      paid AND ch = 0 AS gclid,
      multiIf(identifies, if(v = pidx, 'form', 'identify'), k = 7 AND cityHash64(v, 6) % 3 = 0, 'custom', 'pageview') AS etype
    SELECT '${SITE}', ${eventId}, etype, if(etype = 'custom', 'add_to_cart', ''), ets, ets,
      ${uuid('v', '7')}, ${uuid('v', 's', '8')},
      first, 'https://shop.example.com' || p, 'shop.example.com', ${old ? 'p, ' : ''}'Shop — ' || p,
      if(first, '', 'https://shop.example.com/'), sts,
      -- the session's touch (storage/events-layout.ts)
      if(${carries}, if(paid, if(ch = 2, '', 'https://www.' || ${arr(SOURCES)}[1 + ch] || '.com/'), ['', 'https://www.google.com/', 'https://blog.example.org/a'][1 + fr]), ''),
      if(${carries}, if(paid, if(ch = 2, '', 'www.' || ${arr(SOURCES)}[1 + ch] || '.com'), ['', 'www.google.com', 'blog.example.org'][1 + fr]), ''),
      if(${carries}, landing, ''),
      if(${carries}, if(paid, ${arr(CHANNELS)}[1 + ch], ${arr(FREE.map((f) => f[0]!))}[1 + fr]), ''),
      if(${carries}, if(paid, ${arr(SOURCES)}[1 + ch], ${arr(FREE.map((f) => f[1]!))}[1 + fr]), ''),
      if(${carries}, if(paid, ${arr(MEDIA)}[1 + ch], ${arr(FREE.map((f) => f[2]!))}[1 + fr]), ''),
      if(${carries}, if(paid, ${arr(SOURCES)}[1 + ch], ''), ''),
      if(${carries}, if(paid, ${arr(MEDIA)}[1 + ch], ''), ''),
      if(${carries}, campaign, ''),
      if(${carries}, if(gclid, 'gclid', ''), ''),
      if(${carries}, if(gclid, 'Cj0KCQ' || hex(cityHash64(v, s, 9)), ''), ''),
      if(first AND s = 0, '{"ts":' || toString(toUnixTimestamp64Milli(sts)) || ',"landing_url":"' || landing || '"}', ''),
      ['Chrome', 'Safari', 'Firefox', 'Edge'][1 + cityHash64(v, 10) % 4], '142', ['Windows', 'macOS', 'iOS', 'Android'][1 + cityHash64(v, 11) % 4],
      '15', ['desktop', 'mobile', 'tablet'][1 + cityHash64(v, 12) % 3], false, '0.1.0',
      if(identifies, ${uuid('pidx', '21')}, toUUID('00000000-0000-0000-0000-000000000000')),
      if(identifies, 'p' || toString(pidx) || '@example.com', '')
    FROM numbers(${from}, ${count})`;
}

/**
 * The CRM side for the people first seen among events [from, from + count): customers' stage and
 * won deal two weeks after their form fill, read back from the form events just inserted.
 */
export function crmInserts(db: string, from: number, count: number): string[] {
  const forms = `FROM ${db}.events WHERE site_id = '${SITE}' AND type = 'form'
      AND toUInt64OrZero(extract(email, '^p(\\\\d+)@')) BETWEEN ${Math.floor(from / 8)} AND ${Math.floor((from + count) / 8) - 1}
      AND ${isCustomer("toUInt64OrZero(extract(email, '^p(\\\\d+)@'))")}`;
  return [
    `INSERT INTO ${db}.stages (site_id, person_id, stage, ts, source, record_id, email, version)
     SELECT site_id, person_id, 'customer', ts + toIntervalDay(14), 'crm', 'deal-' || email, email, 1 ${forms}`,
    `INSERT INTO ${db}.deals (site_id, record_id, person_id, email, user_id, status, amount, currency, ts, source, updated_at, version)
     SELECT site_id, 'deal-' || email, person_id, email, '', 'won', toDecimal64(100 + cityHash64(email) % 4900, 2), 'EUR',
       ts + toIntervalDay(14), 'crm', ts + toIntervalDay(14), 1 ${forms}`,
  ];
}

/** Daily spend of every campaign over 90 days, in the collector's `costs` table (source/medium/channel as its sessions'). */
export function costsInsert(db: string): string {
  return `INSERT INTO ${db}.costs (site_id, day, channel, source, medium, campaign, amount, currency, updated_at, version)
    WITH intDiv(number, 90) AS c, c % 7 AS ch
    SELECT '${SITE}', toDate('2026-01-01') + number % 90, ${arr(CHANNELS)}[1 + ch], ${arr(SOURCES)}[1 + ch], ${arr(MEDIA)}[1 + ch],
      'cmp_' || toString(c), toDecimal64(20 + cityHash64(number) % 500, 2), 'EUR', now64(3), 1
    FROM numbers(50 * 90)`;
}
