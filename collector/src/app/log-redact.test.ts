import { describe, expect, it } from 'vitest';
import { redactUrl, redactedErr } from './log-redact.js';

describe('log redaction', () => {
  it('logs query values only for parameters that never carry personal data', () => {
    expect(redactUrl('/v1/leads?site=demo&email=ada%40example.com')).toBe('/v1/leads?site=demo&email=~');
    expect(redactUrl('/demo/thanks.html?name=Ada&company=Acme&utm_source=news')).toBe(
      '/demo/thanks.html?name=~&company=~&utm_source=news',
    );
    expect(redactUrl('/x?site=ada@example.com&ada@example.com')).toBe('/x?site=[email]&[email]');
    expect(redactUrl('/v1/attribution?site=demo&from=2026-01-01&model=linear')).toBe(
      '/v1/attribution?site=demo&from=2026-01-01&model=linear',
    );
    expect(redactUrl('/healthz')).toBe('/healthz');
  });

  it('takes email addresses out of logged errors', () => {
    const e = redactedErr(
      new Error('Cannot parse input: ada.lovelace+x@example.co.uk', { cause: new Error('for bob@example.org') }),
    );
    expect(JSON.stringify(e)).not.toMatch(/ada\.lovelace|bob@/);
    expect(e.message).toBe('Cannot parse input: [email]');
  });
});
