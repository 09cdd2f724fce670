import { describe, expect, it } from 'vitest';
import type { InitOptions } from './config.js';
import { resolveConfig, scriptOptions } from './config.js';

/** `dataset` of a script element with these `data-*` attributes. */
const script = (attrs: Record<string, string>, src = 'https://collector.test:8443/cl.js?v=1') => ({
  src,
  dataset: Object.fromEntries(
    Object.entries(attrs).map(([k, v]) => [k.slice(5).replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), v]),
  ),
});

describe('resolveConfig', () => {
  it('applies defaults', () => {
    const c = resolveConfig({ site: 'pk_1' });
    expect(c).toEqual({
      site: 'pk_1',
      endpoint: '',
      spa: true,
      hash: false,
      autocapture: true,
      autoPageview: true,
      forms: 'on',
      debug: false,
      cookieName: '_cl_vid',
      consent: false,
      cookieless: false,
      respectGpc: false,
    });
  });

  it('reads the consent options (data-consent="required" data-cookieless data-respect-gpc data-consent-policy)', () => {
    const c = resolveConfig(
      scriptOptions(
        script({
          'data-site': 'pk',
          'data-consent': 'required',
          'data-cookieless': '',
          'data-respect-gpc': '',
          'data-consent-policy': '2026-05',
        }),
      ),
    );
    expect(c).toMatchObject({ consent: true, cookieless: true, respectGpc: true, consentPolicy: '2026-05' });
    expect(resolveConfig({ site: 'pk', consent: 'none', cookieless: 'false' })).toMatchObject({
      consent: false,
      cookieless: false,
    });
  });

  it('reads the forms mode: on, off (or false), lead', () => {
    const forms = (v: InitOptions['forms']) => resolveConfig({ site: 'pk', forms: v }).forms;
    expect([forms(undefined), forms(true), forms(''), forms('on')]).toEqual(['on', 'on', 'on', 'on']);
    expect([forms(false), forms('false'), forms('off')]).toEqual(['off', 'off', 'off']);
    expect(forms('lead')).toBe('lead');
  });

  it('makes the cookie name a token: letters, digits, _, - and . stay, anything else becomes _', () => {
    const name = (v?: string) => resolveConfig({ site: 'pk', cookieName: v }).cookieName;
    expect([name(undefined), name(''), name('shop.vid-2_x')]).toEqual(['_cl_vid', '_cl_vid', 'shop.vid-2_x']);
    expect(name('my vid;path=/,(é)')).toBe('my_vid_path______');
    // What js-cookie leaves unencoded, so cl.js (built without its name encoding) and cl.core.js write the same.
    expect(encodeURIComponent(name('a b=c;d'))).toBe(name('a b=c;d'));
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
          script({
            'data-site': 'pk',
            'data-endpoint': 'https://e.test/',
            'data-spa': 'false',
            'data-debug': '',
            'data-cookie-name': 'vid',
            'data-cookie-domain': 'shop.test',
          }),
        ),
      ),
    ).toMatchObject({
      endpoint: 'https://e.test',
      spa: false,
      debug: true,
      cookieName: 'vid',
      cookieDomain: 'shop.test',
    });
    expect(resolveConfig(scriptOptions(script({ 'data-site': 'pk', 'data-debug': 'false' }))).debug).toBe(false);
    expect(
      resolveConfig(scriptOptions(script({ 'data-site': 'pk', 'data-hash': '', 'data-autocapture': 'false' }))),
    ).toMatchObject({ hash: true, autocapture: false });
  });

  it('defaults to the folder of a first-party proxy path', () => {
    expect(resolveConfig(scriptOptions(script({ 'data-site': 'pk' }, 'https://shop.test/cl/cl.js'))).endpoint).toBe(
      'https://shop.test/cl',
    );
  });

  it('uses the page origin for an inline script', () => {
    expect(scriptOptions(script({ 'data-site': 'pk' }, '')).endpoint).toBe('');
  });
});
