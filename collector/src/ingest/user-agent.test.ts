import { describe, expect, it } from 'vitest';
import { parseUserAgent } from './user-agent.js';

describe('parseUserAgent', () => {
  it('reads browser, OS and device of a desktop Chrome', () => {
    const ua =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.127 Safari/537.36';
    expect(parseUserAgent(ua)).toEqual({
      browser: 'Chrome',
      browser_version: '126.0',
      os: 'Windows',
      os_version: '10',
      device_type: 'desktop',
      is_bot: false,
    });
  });

  it('recognises an iPhone as mobile', () => {
    const ua =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    expect(parseUserAgent(ua)).toMatchObject({
      browser: 'Mobile Safari',
      os: 'iOS',
      device_type: 'mobile',
      is_bot: false,
    });
  });

  it('flags crawlers, headless tools and an empty UA as bots', () => {
    expect(parseUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)').is_bot).toBe(
      true,
    );
    expect(parseUserAgent('curl/8.5.0').is_bot).toBe(true);
    expect(parseUserAgent('').device_type).toBe('bot');
  });
});
