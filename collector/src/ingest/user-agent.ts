/** Browser, OS and device from the User-Agent (ua-parser-js 1.x, MIT), and the bot flag (isbot). */
import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';
import type { EventRow } from '../storage/events.js';

/** The `events` columns that come from the User-Agent. device_type: desktop, mobile, tablet, smarttv, wearable, console, embedded, xr or bot. */
export type UserAgentInfo = Pick<
  EventRow,
  'browser' | 'browser_version' | 'os' | 'os_version' | 'device_type' | 'is_bot'
>;

const CACHE_LIMIT = 2000;
const cache = new Map<string, UserAgentInfo>();

/** Parse a User-Agent; results are cached because a site's traffic repeats a few hundred UAs. */
export function parseUserAgent(ua: string): UserAgentInfo {
  const hit = cache.get(ua);
  if (hit) return hit;
  const info = parse(ua);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(ua, info);
  return info;
}

function parse(ua: string): UserAgentInfo {
  const r = new UAParser(ua).getResult();
  const bot = ua === '' || isbot(ua);
  return {
    browser: r.browser.name ?? '',
    browser_version: majorMinor(r.browser.version),
    os: r.os.name ?? '',
    os_version: r.os.version ?? '',
    device_type: bot ? 'bot' : (r.device.type ?? 'desktop'),
    is_bot: bot,
  };
}

function majorMinor(v: string | undefined): string {
  if (!v) return '';
  return v.split('.').slice(0, 2).join('.');
}
