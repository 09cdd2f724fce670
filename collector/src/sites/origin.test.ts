import { describe, expect, it } from 'vitest';
import { originAllowed, originHost, originHostsKept } from './origin.js';

describe('originHost', () => {
  it('gives the lower-case host of http(s) origins, IPv6 without brackets, and nothing for other origins', () => {
    for (let pass = 0; pass < 2; pass++) {
      // the second pass answers from what the first kept
      expect(originHost('https://Shop.Example.com')).toBe('shop.example.com');
      expect(originHost('http://127.0.0.1:8080')).toBe('127.0.0.1');
      expect(originHost('http://[::1]:3000')).toBe('::1');
      expect(originHost('null')).toBeNull();
      expect(originHost('ftp://shop.example.com')).toBeNull();
      expect(originHost('https://')).toBeNull();
    }
    expect(originAllowed('https://www.shop.example.com', ['shop.example.com'])).toBe(true);
    expect(originAllowed('https://evilshop.example.com', ['shop.example.com'])).toBe(false);
    expect(originAllowed('http://[::1]:3000', [], ['::1'])).toBe(true);
    expect(originAllowed('null', ['shop.example.com'])).toBe(false);
  });

  it('keeps at most 1,000 origins and no long ones: a client sending ever-new origins cannot grow it', () => {
    for (let i = 0; i < 2500; i++) expect(originHost(`https://s${i}.example.com`)).toBe(`s${i}.example.com`);
    expect(originHostsKept()).toBeLessThanOrEqual(1000);
    const before = originHostsKept();
    const long = `https://${'a'.repeat(300)}.example.com`;
    expect(originHost(long)).toBe(`${'a'.repeat(300)}.example.com`);
    expect(originHostsKept()).toBe(before);
  });
});
