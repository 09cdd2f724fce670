import { describe, expect, it } from 'vitest';
import type { InitOptions } from './config.js';
import { resolveConfig, scriptOptions } from './config.js';

const script = (attrs: Record<string, string>, src = 'https://collector.test:8443/cl.js?v=1') => ({
  src,
  getAttribute: (n: string) => attrs[n] ?? null,
});

describe('resolveConfig', () => {
  it('applies defaults and freezes', () => {
    const c = resolveConfig({ site: 'pk_1' });
    expect(c).toEqual({ site: 'pk_1', endpoint: '', spa: true, autoPageview: true, debug: false, cookieName: '_cl_vid', cookieDomain: undefined });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('trims trailing slashes of the endpoint', () => {
    expect(resolveConfig({ site: 'pk', endpoint: 'https://c.test/base//' }).endpoint).toBe('https://c.test/base');
  });

  it('requires a site', () => {
    expect(() => resolveConfig({ site: '' })).toThrow(/site/);
    expect(() => resolveConfig(undefined as unknown as InitOptions)).toThrow(/site/);
  });
});

describe('scriptOptions', () => {
  it('reads data-* attributes; the endpoint defaults to the origin of the script', () => {
    expect(resolveConfig(scriptOptions(script({ 'data-site': 'pk_1' })))).toMatchObject({
      site: 'pk_1',
      endpoint: 'https://collector.test:8443',
      spa: true,
      debug: false,
      cookieName: '_cl_vid',
    });
    expect(
      resolveConfig(
        scriptOptions(
          script({ 'data-site': 'pk', 'data-endpoint': 'https://e.test/', 'data-spa': 'false', 'data-debug': '', 'data-cookie-name': 'vid', 'data-cookie-domain': 'shop.test' }),
        ),
      ),
    ).toMatchObject({ endpoint: 'https://e.test', spa: false, debug: true, cookieName: 'vid', cookieDomain: 'shop.test' });
    expect(scriptOptions(script({ 'data-site': 'pk', 'data-debug': 'false' })).debug).toBe(false);
  });

  it('uses the page origin for an inline script', () => {
    expect(scriptOptions(script({ 'data-site': 'pk' }, '')).endpoint).toBe('');
  });
});
