/**
 * Referrer → (source, medium, category). The table of well-known referrers is ours (GA4 keeps
 * its referrer list private); names are the short, lower-case `source` values analysts expect.
 * Rules and precedence are documented in docs/channels.md.
 */
import { SOURCE_CATEGORIES, type SourceCategory } from './source-categories.js';

type Kind = 'search' | 'social' | 'video' | 'shopping' | 'email' | 'ai' | 'display' | 'paid-search';

interface Entry {
  readonly name: string;
  readonly kind: Kind;
  /** false: the host itself only, not its subdomains (e.g. google.com but not docs.google.com). */
  readonly sub: boolean;
}

export interface ReferrerInfo {
  readonly source: string;
  readonly medium: string;
  readonly category: SourceCategory | undefined;
}

// [source name, kind, hosts]. `x.*` = x on any country domain (x.de, x.co.uk, x.com.au);
// a leading `=` = that host only, not its subdomains. android-app://<package> referrers
// (Chrome on Android opening a link from an app) are looked up by package name.
const KNOWN: ReadonlyArray<readonly [string, Kind, string]> = [
  [
    'google',
    'search',
    '=google.* images.google.* news.google.* lens.google.com =com.google.android.googlequicksearchbox',
  ],
  ['bing', 'search', 'bing.*'],
  ['yahoo', 'search', '=yahoo.* search.yahoo.*'],
  ['duckduckgo', 'search', 'duckduckgo.* =ddg.gg'],
  ['baidu', 'search', 'baidu.*'],
  ['yandex', 'search', 'yandex.* =ya.ru'],
  ['ecosia', 'search', 'ecosia.org'],
  ['naver', 'search', '=naver.com search.naver.com'],
  ['seznam', 'search', '=seznam.cz search.seznam.cz'],
  ['qwant', 'search', 'qwant.com'],
  ['startpage', 'search', 'startpage.com ixquick.*'],
  ['brave', 'search', 'search.brave.com'],
  ['ask', 'search', 'ask.* search-results.com'],
  ['aol', 'search', 'aol.* aolsearch.com'],
  ['avg', 'search', 'isearch.avg.com search.avg.com'],
  ['mail.ru', 'search', 'go.mail.ru'],
  ['sogou', 'search', 'sogou.com'],
  ['360', 'search', 'so.com haosou.com'],
  ['kagi', 'search', 'kagi.com'],
  ['mojeek', 'search', 'mojeek.com'],
  ['coccoc', 'search', 'coccoc.com'],
  ['facebook', 'social', 'facebook.com fb.com fb.me messenger.com =com.facebook.katana =com.facebook.orca'],
  ['instagram', 'social', 'instagram.com =com.instagram.android'],
  ['twitter', 'social', 'twitter.com x.com t.co =com.twitter.android'],
  ['linkedin', 'social', 'linkedin.com lnkd.in =com.linkedin.android'],
  ['threads', 'social', 'threads.net threads.com'],
  ['bluesky', 'social', 'bsky.app'],
  [
    'mastodon',
    'social',
    'mastodon.social mastodon.online mstdn.social fosstodon.org hachyderm.io infosec.exchange mas.to',
  ],
  ['reddit', 'social', 'reddit.com redd.it =com.reddit.frontpage'],
  ['pinterest', 'social', 'pinterest.* pin.it'],
  ['tiktok', 'social', 'tiktok.com =com.zhiliaoapp.musically'],
  ['ask.fm', 'social', 'ask.fm'],
  ['discord', 'social', 'discord.com discord.gg discordapp.com'],
  ['telegram', 'social', 't.me telegram.org =org.telegram.messenger'],
  ['whatsapp', 'social', 'whatsapp.com wa.me'],
  ['workplace', 'social', 'workplace.com'],
  ['linktree', 'social', 'linktr.ee'],
  ['lnk.bio', 'social', 'lnk.bio'],
  ['youtube', 'video', 'youtube.com youtu.be =com.google.android.youtube'],
  ['vimeo', 'video', 'vimeo.com'],
  ['twitch', 'video', 'twitch.tv'],
  ['dailymotion', 'video', 'dailymotion.com'],
  ['amazon', 'shopping', 'amazon.*'],
  ['ebay', 'shopping', 'ebay.*'],
  ['etsy', 'shopping', 'etsy.com'],
  ['aliexpress', 'shopping', 'aliexpress.*'],
  ['google-shopping', 'shopping', 'shopping.google.*'],
  ['idealo', 'shopping', 'idealo.*'],
  ['pricerunner', 'shopping', 'pricerunner.*'],
  ['kelkoo', 'shopping', 'kelkoo.*'],
  ['gmail', 'email', 'mail.google.com =com.google.android.gm'],
  [
    'outlook',
    'email',
    'outlook.live.com outlook.office.com outlook.office365.com mail.live.com =com.microsoft.office.outlook',
  ],
  ['yahoo-mail', 'email', 'mail.yahoo.* mail.yahoo.net'],
  ['proton-mail', 'email', 'mail.proton.me mail.protonmail.com'],
  ['mail.ru', 'email', 'e.mail.ru'],
  ['mail.com', 'email', 'mail.com'],
  ['gmx', 'email', 'deref-gmx.*'],
  ['fastmail', 'email', 'fastmail.com'],
  ['chatgpt', 'ai', 'chatgpt.com chat.openai.com =com.openai.chatgpt'],
  ['perplexity', 'ai', 'perplexity.ai'],
  ['gemini', 'ai', 'gemini.google.com bard.google.com'],
  ['copilot', 'ai', 'copilot.microsoft.com'],
  ['claude', 'ai', 'claude.ai'],
  ['you.com', 'ai', 'you.com'],
  ['poe', 'ai', 'poe.com'],
  ['mistral', 'ai', 'chat.mistral.ai'],
  ['meta-ai', 'ai', 'meta.ai'],
  ['character.ai', 'ai', 'character.ai'],
  ['deepseek', 'ai', 'chat.deepseek.com'],
  ['grok', 'ai', 'grok.com'],
  ['google', 'display', 'doubleclick.net googlesyndication.com'],
  ['google', 'paid-search', 'googleadservices.com adsensecustomsearchads.com syndicatedsearch.goog'],
  ['taboola', 'display', 'taboola.com'],
  ['outbrain', 'display', 'outbrain.com'],
];

const HOSTS: ReadonlyMap<string, Entry> = new Map(
  KNOWN.flatMap(([name, kind, hosts]) =>
    hosts
      .split(' ')
      .map((h): [string, Entry] =>
        h.startsWith('=') ? [h.slice(1), { name, kind, sub: false }] : [h, { name, kind, sub: true }],
      ),
  ),
);

const KIND_MEDIUM: Readonly<Record<Kind, string>> = {
  search: 'organic',
  social: 'social',
  video: 'referral',
  shopping: 'referral',
  email: 'email',
  ai: 'referral',
  display: 'display',
  'paid-search': 'cpc',
};
const KIND_CATEGORY: Readonly<Record<Kind, SourceCategory | undefined>> = {
  search: 'SEARCH',
  social: 'SOCIAL',
  video: 'VIDEO',
  shopping: 'SHOPPING',
  email: undefined,
  ai: 'AI',
  display: undefined,
  'paid-search': 'SEARCH',
};

const AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\\]*)/i;
const ASCII_HOST = /^[a-z0-9._-]+$/;
const IPV6_LITERAL = /^\[[0-9a-f:.]+\]$/i;
// label(s) + a country-style suffix: google.de, google.co.uk, google.com.au → `google.*`
const COUNTRY_SUFFIX = /^(.+?)\.(?:(?:com?|org|net|edu|gov|gob|ac|or|ne)\.)?[a-z]{2,3}$/;
// First label of a subdomain that is a webmail client: mail., webmail1m., email., lightmailer-bs. ...
const MAIL_LABEL = /mail|^messagerie/;
const SEARCH_LABEL = /^[a-z]{0,3}(?:search|suche|recherche|busca|cerca|zoeken)$/;
const FEDIVERSE_LABEL = /^(?:mastodon|mstdn)$/;

/** Lower-cased hostname of a URL without a leading `www.`; '' when none or unparsable. */
export function referrerDomain(url: string): string {
  if (typeof url !== 'string' || url === '') return '';
  const m = AUTHORITY.exec(url);
  if (!m || m[1] === undefined) return '';
  let host = m[1];
  const at = host.lastIndexOf('@');
  if (at >= 0) host = host.slice(at + 1);
  if (host.startsWith('[')) {
    const literal = host.slice(0, host.indexOf(']') + 1); // IPv6: a referral nobody can name
    return IPV6_LITERAL.test(literal) ? literal.toLowerCase() : '';
  }
  const colon = host.indexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  host = host.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!ASCII_HOST.test(host)) {
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      return '';
    }
    if (!ASCII_HOST.test(host)) return '';
  }
  return host.startsWith('www.') ? host.slice(4) : host;
}

/** The `google.*` form of a host, or '' when its suffix does not look like a country domain. */
function anyCountry(host: string): string {
  const m = COUNTRY_SUFFIX.exec(host);
  return m && m[1] !== undefined ? `${m[1]}.*` : '';
}

/** True when the first label of `host` is a subdomain label, not the registrable name. */
function hasSubdomain(host: string): boolean {
  const m = COUNTRY_SUFFIX.exec(host);
  if (m && m[1] !== undefined) return m[1].includes('.');
  return host.indexOf('.') !== host.lastIndexOf('.');
}

/** Registrable domain, approximately: mail01.orange.fr → orange.fr, a.b.example.co.uk → example.co.uk. */
function siteOf(host: string): string {
  const m = COUNTRY_SUFFIX.exec(host);
  const base = m?.[1] ?? host.slice(0, host.lastIndexOf('.'));
  return host.slice(base.lastIndexOf('.') + 1);
}

function info(source: string, kind: Kind): ReferrerInfo {
  return { source, medium: KIND_MEDIUM[kind], category: KIND_CATEGORY[kind] };
}

/** Curated table, then label heuristics, walking parent domains: a.b.google.com → b.google.com → google.com. */
function lookupKnown(host: string): ReferrerInfo | undefined {
  let level = host;
  for (let depth = 0; ; depth++) {
    const hit = HOSTS.get(level) ?? HOSTS.get(anyCountry(level));
    if (hit && (depth === 0 || hit.sub)) return info(hit.name, hit.kind);
    const dot = level.indexOf('.');
    if (dot < 0) return undefined;
    const label = level.slice(0, dot);
    if (label.startsWith('deref-')) return info(siteOf(level).slice(6), 'email'); // webmail "dereferrer" (web.de, 1&1)
    if (FEDIVERSE_LABEL.test(label)) return info('mastodon', 'social');
    if (hasSubdomain(level) && MAIL_LABEL.test(label)) return info(siteOf(level), 'email');
    level = level.slice(dot + 1);
    if (!level.includes('.')) return undefined;
  }
}

/** Google's source list by host, walking parents: psychicbazaar.tumblr.com → tumblr.com. */
function lookupGoogleList(host: string): ReferrerInfo | undefined {
  for (let level = host; level.includes('.'); level = level.slice(level.indexOf('.') + 1)) {
    const category = SOURCE_CATEGORIES.get(level);
    if (category === undefined) continue;
    const medium = category === 'SEARCH' ? 'organic' : category === 'SOCIAL' ? 'social' : 'referral';
    return { source: level, medium, category };
  }
  return undefined;
}

/** Classifies a referrer host (already passed through referrerDomain, non-empty). */
export function describeReferrer(host: string): ReferrerInfo {
  return (
    lookupKnown(host) ??
    (hasSubdomain(host) && SEARCH_LABEL.test(host.slice(0, host.indexOf('.')))
      ? info(siteOf(host), 'search')
      : undefined) ??
    lookupGoogleList(host) ?? { source: host, medium: 'referral', category: undefined }
  );
}

/** Category of a utm_source value that looks like a hostname ('chatgpt.com', 'm.youtube.com'). */
export function hostCategory(source: string): SourceCategory | undefined {
  if (!source.includes('.') || source.includes(' ')) return undefined;
  const host = source.startsWith('www.') ? source.slice(4) : source;
  return (lookupKnown(host) ?? lookupGoogleList(host))?.category;
}
