/**
 * What the demo data set is drawn from: a seeded random stream, where visitors arrive from (campaigns
 * with their lead and win rates and daily costs, search, social, referral, direct), how they come
 * back, the demo site's pages, browsers, people's names and companies, plan prices, and what a lead
 * says in "How did you hear about us?". generateDemoData (seed.ts) combines them.
 */
/** mulberry32: a small, fast, seeded PRNG. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
    h[12] = '4';
    h[16] = '89ab'[Math.floor(next() * 4)]!;
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  return {
    next,
    uuid,
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

export interface Arrival {
  name: string;
  /** Relative share of first visits. */
  weight: number;
  referrer: string;
  utm?: { source: string; medium: string; campaign: string; content?: string; term?: string };
  clickId?: 'gclid' | 'fbclid' | 'li_fat_id';
  /** How likely a visitor from here becomes a lead, and a lead a customer. */
  leadRate: number;
  winRate: number;
  /** Daily spend in EUR (paid campaigns). */
  dailyCost?: number;
}

export const ARRIVALS: readonly Arrival[] = [
  {
    name: 'google brand',
    weight: 9,
    referrer: 'https://www.google.com/',
    utm: { source: 'google', medium: 'cpc', campaign: 'brand', term: 'closeloop' },
    clickId: 'gclid',
    leadRate: 0.09,
    winRate: 0.35,
    dailyCost: 38,
  },
  {
    name: 'google generic',
    weight: 12,
    referrer: 'https://www.google.com/',
    utm: { source: 'google', medium: 'cpc', campaign: 'generic-analytics', term: 'marketing attribution' },
    clickId: 'gclid',
    leadRate: 0.04,
    winRate: 0.25,
    dailyCost: 95,
  },
  {
    name: 'google competitor',
    weight: 5,
    referrer: 'https://www.google.com/',
    utm: { source: 'google', medium: 'cpc', campaign: 'competitor', term: 'hubspot alternative' },
    clickId: 'gclid',
    leadRate: 0.05,
    winRate: 0.3,
    dailyCost: 52,
  },
  {
    name: 'facebook spring',
    weight: 10,
    referrer: 'https://m.facebook.com/',
    utm: { source: 'facebook', medium: 'paid_social', campaign: 'spring-launch', content: 'video-a' },
    clickId: 'fbclid',
    leadRate: 0.025,
    winRate: 0.15,
    dailyCost: 60,
  },
  {
    name: 'facebook retargeting',
    weight: 4,
    referrer: 'https://m.facebook.com/',
    utm: { source: 'facebook', medium: 'paid_social', campaign: 'retargeting' },
    clickId: 'fbclid',
    leadRate: 0.06,
    winRate: 0.25,
    dailyCost: 22,
  },
  {
    name: 'linkedin b2b',
    weight: 5,
    referrer: 'https://www.linkedin.com/',
    utm: { source: 'linkedin', medium: 'paid_social', campaign: 'b2b-leads' },
    clickId: 'li_fat_id',
    leadRate: 0.07,
    winRate: 0.4,
    dailyCost: 85,
  },
  {
    name: 'newsletter digest',
    weight: 6,
    referrer: '',
    utm: { source: 'newsletter', medium: 'email', campaign: 'weekly-digest' },
    leadRate: 0.05,
    winRate: 0.3,
  },
  {
    name: 'newsletter launch',
    weight: 3,
    referrer: '',
    utm: { source: 'newsletter', medium: 'email', campaign: 'product-update' },
    leadRate: 0.06,
    winRate: 0.3,
  },
  {
    name: 'partner',
    weight: 3,
    referrer: 'https://partner.example.org/reviews',
    utm: { source: 'partner', medium: 'affiliate', campaign: 'partner-program' },
    leadRate: 0.05,
    winRate: 0.3,
    dailyCost: 15,
  },
  {
    name: 'youtube',
    weight: 3,
    referrer: 'https://www.youtube.com/',
    utm: { source: 'youtube', medium: 'video', campaign: 'demo-video' },
    leadRate: 0.02,
    winRate: 0.2,
    dailyCost: 28,
  },
  { name: 'organic google', weight: 18, referrer: 'https://www.google.com/', leadRate: 0.035, winRate: 0.3 },
  { name: 'organic bing', weight: 3, referrer: 'https://www.bing.com/', leadRate: 0.03, winRate: 0.3 },
  { name: 'organic social', weight: 5, referrer: 'https://t.co/abc', leadRate: 0.015, winRate: 0.2 },
  {
    name: 'referral',
    weight: 4,
    referrer: 'https://blog.example.org/best-analytics-tools',
    leadRate: 0.04,
    winRate: 0.3,
  },
  { name: 'direct', weight: 10, referrer: '', leadRate: 0.03, winRate: 0.3 },
];
export const RETURNS: readonly string[] = [
  'direct',
  'direct',
  'direct',
  'newsletter digest',
  'organic google',
  'facebook retargeting',
  'google brand',
];

export const PAGES = [
  { path: '/demo/', title: 'Acme Analytics — know which campaigns bring customers' },
  { path: '/demo/pricing.html', title: 'Pricing · Acme Analytics (closeloop demo)' },
  { path: '/demo/blog.html', title: 'How closed-loop marketing works · Acme Analytics (closeloop demo)' },
  { path: '/demo/app.html', title: 'Product tour · Acme Analytics (closeloop demo)' },
  { path: '/demo/contact.html', title: 'Request a demo · Acme Analytics (closeloop demo)' },
];
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
];
export const FIRST = [
  'ada',
  'grace',
  'alan',
  'edsger',
  'barbara',
  'donald',
  'margaret',
  'ken',
  'radia',
  'linus',
  'frances',
  'john',
  'sophie',
  'tim',
  'katherine',
  'dennis',
];
export const LAST = [
  'lovelace',
  'hopper',
  'turing',
  'dijkstra',
  'liskov',
  'knuth',
  'hamilton',
  'thompson',
  'perlman',
  'torvalds',
  'allen',
  'backus',
  'wilson',
  'berners',
  'johnson',
  'ritchie',
];
export const COMPANIES = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'stark',
  'wayne',
  'tyrell',
  'cyberdyne',
  'soylent',
];
export const PLANS = [588, 1188, 1188, 2388, 2388, 4788];

/**
 * The form's "How did you hear about us?" answer, derived from the email (no draw from the random
 * stream, so the rest of the demo stays as it was): one in four leave it empty; the others mostly
 * name where they came from, some a podcast or a friend the data cannot see.
 */
export function statedSource(email: string, arrival: string): { how_did_you_hear?: string } {
  const h = [...email].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  if (h % 4 === 0) return {};
  if (h % 3 === 0) return { how_did_you_hear: h % 2 ? 'Podcast' : 'A friend or colleague' };
  const said = arrival.startsWith('google')
    ? 'Google'
    : arrival.startsWith('facebook')
      ? 'Facebook'
      : arrival.startsWith('linkedin')
        ? 'LinkedIn'
        : arrival.startsWith('newsletter')
          ? 'Newsletter'
          : 'Search engine';
  return { how_did_you_hear: said };
}
