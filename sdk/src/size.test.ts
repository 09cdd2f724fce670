/**
 * Size (issues 4 and 19): budgets min+gzip — the full script-tag SDK (js-cookie included) ≤ 4.0 KB,
 * the core variant ≤ 3.0 KB, the inline loader snippet ≤ 400 B, the consent notice ≤ 1.5 KB. This
 * test enforces the ceilings of rollup.config.ts (each bundle's size as last reached): it fails as
 * soon as a bundle grows past them. Builds each in memory with the real rollup config (size is
 * deterministic, unlike time).
 */
import { describe, expect, it } from 'vitest';
import { rollup, type OutputOptions } from 'rollup';
import config, { BUDGETS, CEILINGS, COMPILE_HINT, gzipSize } from '../../rollup.config.js';

const buildNow = async (file: string): Promise<string> => {
  const cfg = config.find((c) => (c.output as OutputOptions).file?.endsWith('/' + file))!;
  const bundle = await rollup({ ...cfg, onwarn: () => {} });
  // Without the printing plugin, so the test output stays quiet.
  const out = cfg.output as OutputOptions;
  const { output } = await bundle.generate({
    ...out,
    file: undefined,
    plugins: (out.plugins as { name: string }[]).filter((p) => p.name != 'closeloop-size'),
  });
  await bundle.close();
  return output[0].code;
};
/** Each bundle built once for all the tests below. */
const builds = new Map<string, Promise<string>>();
const build = (file: string): Promise<string> => {
  if (!builds.has(file)) builds.set(file, buildNow(file));
  return builds.get(file)!;
};

describe('size budget', () => {
  it('budgets are those of issue 19; a ceiling is never above its budget once the budget is met', () => {
    expect(BUDGETS).toEqual({ 'cl.js': 4096, 'cl.core.js': 3072, 'loader.js': 400, 'consent.js': 1536 });
    expect(CEILINGS['loader.js']).toBe(BUDGETS['loader.js']);
    expect(CEILINGS['consent.js']).toBe(BUDGETS['consent.js']);
    expect(Object.keys(CEILINGS).sort()).toEqual(Object.keys(BUDGETS).sort());
  });
  for (const [file, ceiling] of Object.entries(CEILINGS))
    it(`${file} ≤ ${ceiling} B min+gzip (budget ${BUDGETS[file]} B)`, async () => {
      const code = await build(file);
      expect(gzipSize(code), `${file}: ${code.length} B min`).toBeLessThanOrEqual(ceiling);
    });
  it('the core variant has no form or click capture, SPA tracking or debug log; the full one has each', async () => {
    const [full, core] = await Promise.all([build('cl.js'), build('cl.core.js')]);
    for (const marker of ['submit', 'data-cl-event', 'data-cl-lead', 'pushState', 'hashchange', 'console.log']) {
      expect(full).toContain(marker);
      expect(core).not.toContain(marker);
    }
  });
  it("cl.js bundles js-cookie's own get and set, without its unused API; no bundle declares a const", async () => {
    const [full, core] = await Promise.all([build('cl.js'), build('cl.core.js')]);
    // js-cookie's writer (days → expires date) and reader (split, names decoded) are there, with the
    // SDK's converter (storage/cookie.ts URI_CONVERTER) …
    expect(full).toContain('toUTCString');
    expect(full).toMatch(/\{\w+:decodeURIComponent,\w+:encodeURIComponent\}/);
    // … not its default converter, which that converter replaces (rollup.config.ts jsCookieGetSet) …
    expect(full).not.toContain('%(2[346BF]|3[AC-F]|40|5[BDE]|60|7[BCD])');
    expect(full).not.toContain('(%[\\dA-F]{2})+');
    // … its remove / withAttributes are not, and the one withConverter call is inlined (rollup.config.ts
    // jsCookieGetSet)
    for (const unused of ['withConverter', 'withAttributes', 'Object.freeze']) expect(full).not.toContain(unused);
    // … nor what the SDK never reaches in get and set: the no-document guards, get(name) for one cookie,
    // the encoding of names (the SDK's are tokens, config.ts resolveConfig)
    expect(full).not.toContain('typeof document');
    expect(full).not.toContain('%(2[346B]|5E|60|7C)');
    expect(full).not.toMatch(/arguments\.length/);
    expect(core).not.toContain('toUTCString');
    for (const code of [full, core]) expect(code).not.toMatch(/\bconst\b/);
  });
  it("the script-tag bundles begin with V8's compile hint (its first line, after the minifiers)", async () => {
    for (const file of ['cl.js', 'cl.core.js']) expect((await build(file)).startsWith(COMPILE_HINT)).toBe(true);
  });
  it('the bundles rename the resolved settings but read every option a site sets by its own name', async () => {
    const [full, core] = await Promise.all([build('cl.js'), build('cl.core.js')]);
    const common = ['site', 'endpoint', 'autoPageview', 'cookieName', 'cookieDomain', 'consent', 'cookieless'];
    const fullOnly = ['spa', 'hash', 'autocapture', 'forms', 'debug'];
    // js-cookie's converter (`read`, `write`) and the resolved flags are renamed (rollup.config.ts INTERNAL_PROPERTIES) …
    expect(full).not.toMatch(/\.(read|write)\(|\b(autoPageview|cookieName|respectGpc|cookieless):/);
    // … while each option is still read from the site's options as `o.name` (config.ts resolveConfig)
    for (const name of [...common, 'respectGpc', 'consentPolicy', ...fullOnly]) expect(full).toContain(`.${name}`);
    for (const name of [...common, 'respectGpc', 'consentPolicy']) expect(core).toContain(`.${name}`);
  });
});
