import { describe, expect, it } from 'vitest';
import { domainCandidates } from './cookie.js';

describe('domainCandidates', () => {
  it('lists parent domains from the top level down, the host itself last', () => {
    expect(domainCandidates('a.shop.example.co.uk')).toEqual(['co.uk', 'example.co.uk', 'shop.example.co.uk', 'a.shop.example.co.uk']);
    expect(domainCandidates('example.com')).toEqual(['example.com']);
  });

  it('gives nothing (host-only cookie) for IP addresses and single-label hosts', () => {
    expect(domainCandidates('localhost')).toEqual([]);
    expect(domainCandidates('127.0.0.1')).toEqual([]);
    expect(domainCandidates('[::1]')).toEqual([]);
  });
});
