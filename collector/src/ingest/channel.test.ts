import { describe, expect, it } from 'vitest';
import { CHANNELS, classifyChannel, referrerDomain, type Channel, type TouchInput } from './channel.js';

const LANDING = 'https://shop.example.com/pricing?plan=pro';

function touch(extra: Partial<TouchInput>): TouchInput {
  return { referrer: '', landing_url: LANDING, ...extra };
}

function channelOf(extra: Partial<TouchInput>): Channel {
  return classifyChannel(touch(extra)).channel;
}

describe('classifyChannel: referrer only (no utm, no click id)', () => {
  it('no referrer is Direct with source (direct) / medium (none)', () => {
    expect(classifyChannel(touch({}))).toEqual({
      channel: 'Direct',
      source: '(direct)',
      medium: '(none)',
      referrerDomain: '',
    });
  });

  it('Google search, including country domains, is Organic Search from google / organic', () => {
    for (const referrer of [
      'https://www.google.com/',
      'https://www.google.co.uk/search?q=crm',
      'https://google.de/',
      'https://www.google.com.au/url?q=x',
    ]) {
      expect(classifyChannel(touch({ referrer }))).toMatchObject({
        channel: 'Organic Search',
        source: 'google',
        medium: 'organic',
      });
    }
  });

  it.each([
    ['https://www.bing.com/search?q=crm', 'bing'],
    ['https://duckduckgo.com/', 'duckduckgo'],
    ['https://yandex.ru/search/?text=crm', 'yandex'],
    ['https://www.baidu.com/link?url=x', 'baidu'],
    ['https://search.yahoo.co.jp/search?p=crm', 'yahoo'],
    ['https://fr.search.yahoo.com/search?p=crm', 'yahoo'],
    ['https://www.ecosia.org/search?q=crm', 'ecosia'],
    ['https://search.naver.com/search.naver?query=crm', 'naver'],
    ['https://search.seznam.cz/?q=crm', 'seznam'],
    ['https://www.qwant.com/?q=crm', 'qwant'],
    ['https://www.startpage.com/do/search', 'startpage'],
    ['https://search.brave.com/search?q=crm', 'brave'],
    ['android-app://com.google.android.googlequicksearchbox/', 'google'],
  ])('%s is Organic Search from %s', (referrer, source) => {
    expect(classifyChannel(touch({ referrer }))).toMatchObject({
      channel: 'Organic Search',
      source,
      medium: 'organic',
    });
  });

  it('a search subdomain of an unknown portal is Organic Search', () => {
    expect(classifyChannel(touch({ referrer: 'https://suche.example-portal.de/?q=crm' }))).toMatchObject({
      channel: 'Organic Search',
      source: 'example-portal.de',
    });
  });

  it('Google products that are not search (Docs) are Referral, not Organic Search', () => {
    expect(classifyChannel(touch({ referrer: 'https://docs.google.com/document/d/abc/edit' }))).toMatchObject({
      channel: 'Referral',
      source: 'docs.google.com',
      medium: 'referral',
    });
  });

  it.each([
    ['https://l.facebook.com/l.php?u=https%3A%2F%2Fshop.example.com', 'facebook'],
    ['https://m.facebook.com/', 'facebook'],
    ['https://www.instagram.com/', 'instagram'],
    ['https://t.co/abc123', 'twitter'],
    ['https://x.com/someone/status/1', 'twitter'],
    ['https://www.linkedin.com/feed/', 'linkedin'],
    ['https://lnkd.in/eXyZ', 'linkedin'],
    ['https://l.threads.net/?u=x', 'threads'],
    ['https://www.threads.com/@someone', 'threads'],
    ['https://go.bsky.app/redirect?u=x', 'bluesky'],
    ['https://mastodon.social/@someone', 'mastodon'],
    ['https://mastodon.example.org/@someone', 'mastodon'],
    ['https://old.reddit.com/r/saas/', 'reddit'],
    ['https://www.tiktok.com/@someone', 'tiktok'],
    ['https://www.pinterest.co.uk/pin/1', 'pinterest'],
  ])('%s is Organic Social from %s', (referrer, source) => {
    expect(classifyChannel(touch({ referrer }))).toMatchObject({ channel: 'Organic Social', source, medium: 'social' });
  });

  it("a social site only known from Google's list is Organic Social, subdomains included", () => {
    expect(classifyChannel(touch({ referrer: 'https://someblog.tumblr.com/post/1' }))).toMatchObject({
      channel: 'Organic Social',
      source: 'tumblr.com',
    });
    expect(channelOf({ referrer: 'https://news.ycombinator.com/item?id=1' })).toBe('Organic Social');
  });

  it('YouTube is Organic Video, Amazon is Organic Shopping', () => {
    expect(classifyChannel(touch({ referrer: 'https://www.youtube.com/watch?v=x' }))).toMatchObject({
      channel: 'Organic Video',
      source: 'youtube',
      medium: 'referral',
    });
    expect(channelOf({ referrer: 'https://youtu.be/x' })).toBe('Organic Video');
    expect(classifyChannel(touch({ referrer: 'https://www.amazon.de/dp/B0' }))).toMatchObject({
      channel: 'Organic Shopping',
      source: 'amazon',
    });
  });

  it.each([
    ['https://mail.google.com/mail/u/0/', 'gmail'],
    ['android-app://com.google.android.gm/', 'gmail'],
    ['https://outlook.live.com/mail/0/inbox', 'outlook'],
    ['https://outlook.office.com/mail/', 'outlook'],
    ['https://mail.yahoo.com/d/folders/1', 'yahoo-mail'],
    ['https://mail.proton.me/u/0/inbox', 'proton-mail'],
    ['https://webmail.example-isp.fr/read', 'example-isp.fr'],
  ])('webmail %s is Email from %s', (referrer, source) => {
    expect(classifyChannel(touch({ referrer }))).toMatchObject({ channel: 'Email', source, medium: 'email' });
  });

  it('a news site whose name contains "mail" is not a webmail client', () => {
    expect(channelOf({ referrer: 'https://www.dailymail.co.uk/news/' })).toBe('Referral');
  });

  it.each([
    ['https://chatgpt.com/', 'chatgpt'],
    ['https://chat.openai.com/c/1', 'chatgpt'],
    ['https://www.perplexity.ai/search?q=x', 'perplexity'],
    ['https://gemini.google.com/app', 'gemini'],
    ['https://copilot.microsoft.com/', 'copilot'],
    ['https://claude.ai/chat/1', 'claude'],
    ['https://you.com/search?q=x', 'you.com'],
    ['https://poe.com/', 'poe'],
  ])('AI assistant %s is AI Assistant from %s', (referrer, source) => {
    expect(classifyChannel(touch({ referrer }))).toMatchObject({ channel: 'AI Assistant', source });
  });

  it('an unknown site is Referral with its domain (without www.) as source', () => {
    expect(classifyChannel(touch({ referrer: 'https://www.Some-Blog.example.net/post?id=1' }))).toEqual({
      channel: 'Referral',
      source: 'some-blog.example.net',
      medium: 'referral',
      referrerDomain: 'some-blog.example.net',
    });
  });

  it('ad-server referrers are paid: doubleclick is Display, AdSense for Search is Paid Search', () => {
    expect(channelOf({ referrer: 'https://tpc.googlesyndication.com/' })).toBe('Display');
    expect(channelOf({ referrer: 'https://syndicatedsearch.goog/' })).toBe('Paid Search');
  });
});

describe('classifyChannel: internal referrers', () => {
  it('our own page as referrer (session timed out mid-visit) is Direct with medium internal', () => {
    expect(classifyChannel(touch({ referrer: 'https://shop.example.com/blog/post' }))).toEqual({
      channel: 'Direct',
      source: '(direct)',
      medium: 'internal',
      referrerDomain: 'shop.example.com',
    });
  });

  it('www. does not make our own site external', () => {
    expect(classifyChannel(touch({ referrer: 'https://www.shop.example.com/' })).medium).toBe('internal');
  });

  it('siteDomains covers other hosts of the same site and their subdomains', () => {
    const siteDomains = ['example.com', 'WWW.example-checkout.com'];
    expect(classifyChannel(touch({ referrer: 'https://docs.example.com/', siteDomains })).medium).toBe('internal');
    expect(classifyChannel(touch({ referrer: 'https://example-checkout.com/pay', siteDomains })).medium).toBe(
      'internal',
    );
    expect(channelOf({ referrer: 'https://docs.example.com/' })).toBe('Referral');
  });

  it('utm parameters on an internal link still win (GA4 starts a new campaign)', () => {
    expect(channelOf({ referrer: 'https://shop.example.com/', utm_source: 'site', utm_medium: 'banner' })).toBe(
      'Display',
    );
  });
});

describe('classifyChannel: click ids', () => {
  it('gclid alone is Paid Search from google / cpc', () => {
    expect(classifyChannel(touch({ click_ids: { gclid: 'Cj0KCQ' } }))).toMatchObject({
      channel: 'Paid Search',
      source: 'google',
      medium: 'cpc',
    });
    expect(channelOf({ click_ids: { gbraid: 'x' } })).toBe('Paid Search');
    expect(channelOf({ click_ids: { wbraid: 'x' } })).toBe('Paid Search');
  });

  it('gclid with a Google search referrer is Paid Search, not Organic Search', () => {
    expect(channelOf({ referrer: 'https://www.google.com/', click_ids: { gclid: 'x' } })).toBe('Paid Search');
  });

  it('gclid arriving from YouTube is Paid Video', () => {
    expect(classifyChannel(touch({ referrer: 'https://www.youtube.com/', click_ids: { gclid: 'x' } }))).toMatchObject({
      channel: 'Paid Video',
      source: 'youtube',
      medium: 'cpc',
    });
  });

  it('msclkid is Paid Search from bing', () => {
    expect(classifyChannel(touch({ click_ids: { msclkid: 'x' } }))).toMatchObject({
      channel: 'Paid Search',
      source: 'bing',
      medium: 'cpc',
    });
  });

  it.each([
    ['ttclid', 'tiktok'],
    ['li_fat_id', 'linkedin'],
    ['twclid', 'twitter'],
  ] as const)('%s is Paid Social from %s', (id, source) => {
    expect(classifyChannel(touch({ click_ids: { [id]: 'x' } }))).toMatchObject({
      channel: 'Paid Social',
      source,
      medium: 'cpc',
    });
  });

  it('fbclid alone is Organic Social (Facebook tags organic outbound links too)', () => {
    expect(classifyChannel(touch({ click_ids: { fbclid: 'IwAR' } }))).toMatchObject({
      channel: 'Organic Social',
      source: 'facebook',
      medium: 'social',
    });
    expect(classifyChannel(touch({ referrer: 'https://l.instagram.com/', click_ids: { fbclid: 'x' } })).source).toBe(
      'instagram',
    );
  });

  it('fbclid with a paid utm_medium is Paid Social', () => {
    expect(channelOf({ utm_source: 'facebook', utm_medium: 'paid_social', click_ids: { fbclid: 'x' } })).toBe(
      'Paid Social',
    );
  });

  it('utm_medium says otherwise: gclid on an email link stays Email', () => {
    expect(channelOf({ utm_source: 'newsletter', utm_medium: 'email', click_ids: { gclid: 'x' } })).toBe('Email');
  });

  it('utm_source without medium plus gclid takes medium cpc', () => {
    expect(classifyChannel(touch({ utm_source: 'google', click_ids: { gclid: 'x' } }))).toMatchObject({
      channel: 'Paid Search',
      medium: 'cpc',
    });
  });

  it('empty click id values are ignored', () => {
    expect(channelOf({ click_ids: { gclid: '  ' } })).toBe('Direct');
  });
});

describe('classifyChannel: utm tagging (GA4 rules, in order)', () => {
  // Rows marked [dbt-ga4] are adapted from Velir/dbt-ga4 unit_tests/test_macro_default_channel_grouping.py
  // @ 2d7b1f1c (MIT, Copyright (c) 2022 Adam Ribaudo).
  it.each<[string, string, string, Channel]>([
    ['some-source', 'some-medium', 'some-cross-network-campaign', 'Cross-network'], // [dbt-ga4]
    ['google', 'cpc', 'pmax cross-network', 'Cross-network'],
    ['some-source', 'retargeting', 'shopping', 'Paid Shopping'], // [dbt-ga4]
    ['google shopping', 'cpc', '', 'Paid Shopping'],
    ['google', 'ppc', '', 'Paid Search'], // [dbt-ga4]
    ['bing', 'cpc', 'brand', 'Paid Search'],
    ['facebook', 'retargeting', '', 'Paid Social'], // [dbt-ga4]
    ['facebook', 'cpc', 'spring_sale', 'Paid Social'],
    ['linkedin', 'paid_social', '', 'Paid Social'],
    ['x', 'cpc', '', 'Paid Social'],
    ['youtube.com', 'paid-something', '', 'Paid Video'], // [dbt-ga4]
    ['youtube.com', 'display', '', 'Display'], // [dbt-ga4]
    ['criteo', 'banner', '', 'Display'],
    ['some-source', 'cpc', '', 'Paid Other'], // [dbt-ga4]
    ['chatgpt.com', '', '', 'AI Assistant'],
    ['perplexity', 'referral', '', 'AI Assistant'],
    ['Google Shopping', '', '', 'Organic Shopping'], // [dbt-ga4]
    ['alibaba', '', '', 'Organic Shopping'], // [dbt-ga4] upstream expects Paid Shopping: no paid medium, so Organic
    ['some-source', '', 'some-shopping-campaign', 'Organic Shopping'], // [dbt-ga4]
    ['facebook', '', '', 'Organic Social'], // [dbt-ga4]
    ['some-source', 'social', '', 'Organic Social'], // [dbt-ga4]
    ['threads', 'post', '', 'Organic Social'],
    ['youtube.com', '', '', 'Organic Video'], // [dbt-ga4]
    ['some-source', 'video', '', 'Organic Video'], // [dbt-ga4]
    ['bing', '', '', 'Organic Search'], // [dbt-ga4]
    ['some-source', 'organic', '', 'Organic Search'], // [dbt-ga4]
    ['partner-site', 'referral', '', 'Referral'],
    ['some-source', 'referral', '', 'Referral'], // [dbt-ga4]
    ['newsletter', 'email', 'may-digest', 'Email'],
    ['email', '', '', 'Email'], // [dbt-ga4]
    ['', 'e mail', '', 'Email'], // [dbt-ga4]
    ['some-source', 'affiliate', '', 'Affiliates'], // [dbt-ga4]
    ['spotify', 'audio', '', 'Audio'],
    ['sms', '', '', 'SMS'], // [dbt-ga4]
    ['', 'sms', '', 'SMS'], // [dbt-ga4]
    ['some-source', 'something-push', '', 'Mobile Push Notifications'], // [dbt-ga4]
    ['some-source', 'mobile-notification', '', 'Mobile Push Notifications'], // [dbt-ga4]
    ['firebase', '', '', 'Mobile Push Notifications'], // [dbt-ga4]
    ['some-source', 'some-medium', 'some-campaign', 'Unassigned'], // [dbt-ga4]
    ['newsletter', '', '', 'Unassigned'],
  ])('source=%j medium=%j campaign=%j → %s', (utm_source, utm_medium, utm_campaign, expected) => {
    expect(channelOf({ utm_source, utm_medium, utm_campaign })).toBe(expected);
  });

  it('utm wins over the referrer, and source/medium are trimmed and lower-cased', () => {
    expect(
      classifyChannel(touch({ referrer: 'https://www.google.com/', utm_source: ' Newsletter ', utm_medium: 'EMAIL' })),
    ).toEqual({
      channel: 'Email',
      source: 'newsletter',
      medium: 'email',
      referrerDomain: 'google.com',
    });
  });

  it('a missing utm_medium is (not set), as in GA4', () => {
    expect(classifyChannel(touch({ utm_source: 'facebook' }))).toMatchObject({
      channel: 'Organic Social',
      medium: '(not set)',
    });
  });

  it('utm_medium without utm_source takes the source from the referrer', () => {
    expect(classifyChannel(touch({ referrer: 'https://www.linkedin.com/', utm_medium: 'social' }))).toMatchObject({
      source: 'linkedin',
    });
    expect(classifyChannel(touch({ utm_medium: 'email' }))).toMatchObject({ channel: 'Email', source: '(not set)' });
  });
});

describe('classifyChannel: robustness', () => {
  it.each(['not a url', 'http://', '://x', 'javascript:alert(1)', 'https://exa mple.com/', '%%%'])(
    'unparsable referrer %j is treated as no referrer',
    (referrer) => {
      expect(() => classifyChannel(touch({ referrer }))).not.toThrow();
      expect(classifyChannel(touch({ referrer }))).toMatchObject({ channel: 'Direct', referrerDomain: '' });
    },
  );

  it('never throws on garbage input from untyped callers', () => {
    const garbage = [
      null,
      undefined,
      {},
      { referrer: 42, landing_url: null, click_ids: 'x', siteDomains: 'x' },
    ] as unknown as TouchInput[];
    for (const input of garbage) {
      expect(() => classifyChannel(input)).not.toThrow();
      expect(CHANNELS).toContain(classifyChannel(input).channel);
    }
  });

  it('a bad landing URL still classifies the referrer', () => {
    expect(classifyChannel({ referrer: 'https://www.bing.com/', landing_url: 'nonsense' }).channel).toBe(
      'Organic Search',
    );
  });
});

describe('CHANNELS', () => {
  it("lists 21 distinct channels including GA4's and ours", () => {
    expect(new Set(CHANNELS).size).toBe(21);
    expect(CHANNELS).toEqual(
      expect.arrayContaining(['Direct', 'Unassigned', 'AI Assistant', 'Internal', 'Cross-network']),
    );
  });
});

describe('referrerDomain (re-exported)', () => {
  it('is the lower-cased hostname without www.', () => {
    expect(referrerDomain('https://WWW.Google.CO.UK:443/search?q=x')).toBe('google.co.uk');
    expect(referrerDomain('')).toBe('');
  });
});
