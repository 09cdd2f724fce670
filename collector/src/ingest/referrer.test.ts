import { describe, expect, it } from 'vitest';
import { describeReferrer, hostCategory, referrerDomain } from './referrer.js';
import { GOOGLE_SOURCE_COUNT, SOURCE_CATEGORIES } from './source-categories.js';

describe('referrerDomain', () => {
  it.each([
    ['https://www.example.com/a?b=c#d', 'example.com'],
    ['http://Sub.Example.COM:8080/', 'sub.example.com'],
    ['https://user:secret@blog.example.org/', 'blog.example.org'],
    ['https://example.com./', 'example.com'],
    ['https://www2.example.com/', 'www2.example.com'],
    ['https://example.com?x=1', 'example.com'],
    ['android-app://com.google.android.gm/', 'com.google.android.gm'],
    ['http://[2001:DB8::1]:8080/', '[2001:db8::1]'],
    ['https://bücher.example/', 'xn--bcher-kva.example'],
  ])('%s → %s', (url, host) => {
    expect(referrerDomain(url)).toBe(host);
  });

  it.each(['', 'example.com/path', 'not a url', 'about:blank', 'https://', 'https://exa mple.com/', 'https://[zz]/'])(
    'unparsable %j → empty',
    (url) => {
      expect(referrerDomain(url)).toBe('');
    },
  );
});

describe('describeReferrer', () => {
  it('walks parent domains until a known one: a.b.google.com is not google search, images.google.fr is', () => {
    expect(describeReferrer('images.google.fr')).toMatchObject({
      source: 'google',
      medium: 'organic',
      category: 'SEARCH',
    });
    expect(describeReferrer('calendar.google.com')).toMatchObject({
      source: 'calendar.google.com',
      medium: 'referral',
    });
    expect(describeReferrer('it.images.search.yahoo.com')).toMatchObject({ source: 'yahoo', category: 'SEARCH' });
  });

  it('prefers a webmail subdomain over the portal it belongs to', () => {
    expect(describeReferrer('mail.yandex.ru')).toMatchObject({ medium: 'email', source: 'yandex.ru' });
    expect(describeReferrer('yandex.ru')).toMatchObject({ medium: 'organic', source: 'yandex' });
  });

  it('recognises webmail "dereferrer" hosts', () => {
    expect(describeReferrer('deref-mail.example')).toMatchObject({ medium: 'email', source: 'mail.example' });
  });

  it('an exact entry beats a country wildcard: ask.fm is social, ask.co.uk is search', () => {
    expect(describeReferrer('ask.fm').category).toBe('SOCIAL');
    expect(describeReferrer('ask.co.uk').category).toBe('SEARCH');
  });
});

describe('hostCategory (utm_source values that are hostnames)', () => {
  it('finds categories of hostnames through the referrer table', () => {
    expect(hostCategory('chatgpt.com')).toBe('AI');
    expect(hostCategory('www.duckduckgo.com')).toBe('SEARCH');
    expect(hostCategory('newsletter')).toBeUndefined();
  });
});

describe('source categories table', () => {
  it("holds Google's 819 sources plus our additions, keyed lower-case", () => {
    expect(GOOGLE_SOURCE_COUNT).toBe(819);
    expect(SOURCE_CATEGORIES.get('google shopping')).toBe('SHOPPING');
    expect(SOURCE_CATEGORIES.get('youtube.com')).toBe('VIDEO');
    expect(SOURCE_CATEGORIES.get('x')).toBe('SOCIAL');
    expect(SOURCE_CATEGORIES.get('chatgpt')).toBe('AI');
    for (const key of SOURCE_CATEGORIES.keys()) expect(key).toBe(key.toLowerCase());
  });
});
