/**
 * Marketing channel of a session's first touch, from referrer + UTM + ad click ids.
 * GA4's default channel group (support.google.com/analytics/answer/9756891) with documented
 * additions (AI Assistant, click ids, internal referrers): see docs/channels.md.
 * Pure and allocation-light: called once per session start on the ingest hot path.
 */
import { CLICK_IDS, type ClickIdName } from '../../../contract/click-ids.js';
import { describeReferrer, hostCategory, referrerDomain, type ReferrerInfo } from './referrer.js';
import { SOURCE_CATEGORIES, type SourceCategory } from './source-categories.js';

export { referrerDomain } from './referrer.js';

export type Channel =
  | 'Direct'
  | 'Organic Search'
  | 'Paid Search'
  | 'Organic Social'
  | 'Paid Social'
  | 'Email'
  | 'Referral'
  | 'Display'
  | 'Affiliates'
  | 'Organic Video'
  | 'Paid Video'
  | 'Organic Shopping'
  | 'Paid Shopping'
  | 'Paid Other'
  | 'SMS'
  | 'Mobile Push Notifications'
  | 'Audio'
  | 'Cross-network'
  | 'AI Assistant'
  | 'Internal'
  | 'Unassigned';

/** Every channel name. 'Internal' is never returned by classifyChannel (see docs/channels.md). */
export const CHANNELS: readonly Channel[] = Object.freeze<Channel[]>([
  'Direct',
  'Organic Search',
  'Paid Search',
  'Organic Social',
  'Paid Social',
  'Email',
  'Referral',
  'Display',
  'Affiliates',
  'Organic Video',
  'Paid Video',
  'Organic Shopping',
  'Paid Shopping',
  'Paid Other',
  'SMS',
  'Mobile Push Notifications',
  'Audio',
  'Cross-network',
  'AI Assistant',
  'Internal',
  'Unassigned',
]);

export type ClickId = ClickIdName;

export interface TouchInput {
  /** full document.referrer at session start, '' if none */
  referrer: string;
  /** full landing page URL (its hostname tells internal referrers apart) */
  landing_url: string;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  click_ids?: Partial<Record<ClickId, string>>;
  /** optional extra hostnames of the same site (each also covers its subdomains) */
  siteDomains?: readonly string[];
}

export interface ChannelResult {
  channel: Channel;
  source: string;
  medium: string;
  referrerDomain: string;
}

/** The (source, medium, campaign, category) tuple the GA4-style rules run on. */
interface Touch {
  readonly source: string;
  readonly medium: string;
  readonly campaign: string;
  readonly category: SourceCategory | undefined;
}

/** What a click id implies: the platform, the medium, and which referrer categories may name the source instead. */
export type ClickIdRule = readonly [
  platform: string,
  medium: 'cpc' | 'social',
  refCategories: readonly SourceCategory[],
];

/**
 * One rule per click id of the contract (a type error until a new one has its rule), e.g. gclid from
 * youtube.com → Paid Video. Precedence is the contract's order (contract/click-ids.ts).
 */
export const CLICK_ID_RULES: Readonly<Record<ClickIdName, ClickIdRule>> = {
  gclid: ['google', 'cpc', ['SEARCH', 'VIDEO']],
  gbraid: ['google', 'cpc', ['SEARCH', 'VIDEO']],
  wbraid: ['google', 'cpc', ['SEARCH', 'VIDEO']],
  msclkid: ['bing', 'cpc', ['SEARCH']],
  ttclid: ['tiktok', 'cpc', []],
  li_fat_id: ['linkedin', 'cpc', []],
  twclid: ['twitter', 'cpc', []],
  // Facebook/Instagram add fbclid to organic outbound links too: alone it means Organic Social.
  fbclid: ['facebook', 'social', ['SOCIAL']],
};

const PAID_MEDIUM = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const SHOP_CAMPAIGN = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;
const DISPLAY_MEDIA = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm']);
const SOCIAL_MEDIA = new Set(['social', 'social-network', 'social-media', 'sm', 'social network', 'social media']);
const EMAIL_WORDS = new Set(['email', 'e-mail', 'e_mail', 'e mail']);
const REFERRAL_MEDIA = new Set(['referral', 'app', 'link']);
const DIRECT_MEDIA = new Set(['(none)', '(not set)', 'internal']);

/** Ordered rules: the first match wins. Mirrors GA4's table; AI Assistant is ours. */
function group(t: Touch): Channel {
  const { source, medium, campaign, category } = t;
  const paid = PAID_MEDIUM.test(medium);
  const shop = campaign !== '' && SHOP_CAMPAIGN.test(campaign);
  if (source === '(direct)' && DIRECT_MEDIA.has(medium)) return 'Direct';
  if (campaign.includes('cross-network')) return 'Cross-network';
  if (paid) {
    if (category === 'SHOPPING' || shop) return 'Paid Shopping';
    if (category === 'SEARCH') return 'Paid Search';
    if (category === 'SOCIAL') return 'Paid Social';
    if (category === 'VIDEO') return 'Paid Video';
  }
  if (DISPLAY_MEDIA.has(medium)) return 'Display';
  if (paid) return 'Paid Other';
  if (category === 'AI') return 'AI Assistant';
  if (category === 'SHOPPING' || shop) return 'Organic Shopping';
  if (category === 'SOCIAL' || SOCIAL_MEDIA.has(medium)) return 'Organic Social';
  if (category === 'VIDEO' || medium.includes('video')) return 'Organic Video';
  if (category === 'SEARCH' || medium === 'organic') return 'Organic Search';
  if (REFERRAL_MEDIA.has(medium)) return 'Referral';
  if (EMAIL_WORDS.has(source) || EMAIL_WORDS.has(medium)) return 'Email';
  if (medium === 'affiliate') return 'Affiliates';
  if (medium === 'audio') return 'Audio';
  if (source === 'sms' || medium === 'sms') return 'SMS';
  if (
    medium.endsWith('push') ||
    medium.includes('mobile') ||
    medium.includes('notification') ||
    source === 'firebase'
  ) {
    return 'Mobile Push Notifications';
  }
  return 'Unassigned';
}

function norm(value: unknown): string {
  return typeof value === 'string' ? value.trim().toLowerCase() : '';
}

/** Category of a source name: Google's list + our additions, then the referrer table for hostnames. */
function categoryOf(source: string): SourceCategory | undefined {
  return SOURCE_CATEGORIES.get(source) ?? hostCategory(source);
}

function isInternal(refHost: string, landing_url: string, siteDomains: readonly string[] | undefined): boolean {
  if (refHost === referrerDomain(landing_url)) return true;
  if (!Array.isArray(siteDomains)) return false;
  for (const raw of siteDomains) {
    const n = norm(raw);
    const d = n.startsWith('www.') ? n.slice(4) : n;
    if (d !== '' && (refHost === d || refHost.endsWith(`.${d}`))) return true;
  }
  return false;
}

/** First click id present: its implied source (possibly the referrer's name) and medium. */
function clickTouch(ids: TouchInput['click_ids'], ref: ReferrerInfo | undefined): Touch | undefined {
  if (ids === null || typeof ids !== 'object') return undefined;
  for (const id of CLICK_IDS) {
    if (norm(ids[id]) === '') continue;
    const [platform, medium, refCategories] = CLICK_ID_RULES[id];
    const useRef = ref !== undefined && ref.category !== undefined && refCategories.includes(ref.category);
    const source = useRef ? ref.source : platform;
    return { source, medium, campaign: '', category: useRef ? ref.category : categoryOf(platform) };
  }
  return undefined;
}

function derive(input: TouchInput, refHost: string): Touch {
  const utmSource = norm(input.utm_source);
  const utmMedium = norm(input.utm_medium);
  const campaign = norm(input.utm_campaign);
  const ref = refHost === '' ? undefined : describeReferrer(refHost);
  const click = clickTouch(input.click_ids, ref);
  if (utmSource !== '' || utmMedium !== '' || campaign !== '') {
    // Manual tagging wins (GA4); missing parts come from click id, then referrer, then '(not set)'.
    const fallback = click ?? ref;
    const source = utmSource || fallback?.source || '(not set)';
    return {
      source,
      medium: utmMedium || click?.medium || (utmSource === '' ? ref?.medium : undefined) || '(not set)',
      campaign,
      category: utmSource !== '' ? categoryOf(utmSource) : fallback?.category,
    };
  }
  if (click) return click;
  if (ref === undefined) return { source: '(direct)', medium: '(none)', campaign: '', category: undefined };
  if (isInternal(refHost, input.landing_url, input.siteDomains)) {
    return { source: '(direct)', medium: 'internal', campaign: '', category: undefined };
  }
  return { ...ref, campaign: '' };
}

/** Classifies one touch. Never throws: malformed input degrades to Direct/Referral/Unassigned. */
export function classifyChannel(input: TouchInput): ChannelResult {
  try {
    const refHost = referrerDomain(input.referrer);
    const touch = derive(input, refHost);
    return { channel: group(touch), source: touch.source, medium: touch.medium, referrerDomain: refHost };
  } catch {
    return { channel: 'Unassigned', source: '(not set)', medium: '(not set)', referrerDomain: '' };
  }
}
