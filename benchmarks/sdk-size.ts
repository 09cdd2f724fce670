/**
 * SDK size against peers: minified, gzip and brotli bytes (node:zlib, max levels).
 *   npx tsx benchmarks/sdk-size.ts [--quick]
 * Every SDK, ours included, is bundled the same way: a tiny entry doing what a site does
 * (init + page view), bundled by esbuild (browser field, CommonJS and ESM alike, dynamic imports
 * inlined, one IIFE) and minified by terser with the settings of our own build (rollup.config.ts).
 * --quick minifies with esbuild instead (seconds instead of ~15 s; its sizes are not for quoting).
 * Peers' own minified browser builds in node_modules are measured too, where they ship one.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { minify } from 'terser';
import { BUDGETS } from '../rollup.config.js';
import { kb, log, pct, repoRoot, runIfMain, scratchDir, table, type BenchOptions, type Section } from './lib.js';

/** The page's collector/sink URL is read at run time, so one bundle serves size and page-cost runs. */
const E = `(window.__SINK__ || '/sink')`;

export interface Sdk {
  name: string;
  pkg: string;
  /** ESM entry: what a site writes to record page views. */
  entry: string;
  /** The package's own minified browser build (relative to node_modules), when it ships one. */
  published?: string;
}

export const SDKS: Sdk[] = [
  {
    name: 'closeloop',
    pkg: 'closeloop',
    entry: `import { init } from ${JSON.stringify(path.join(repoRoot, 'dist/sdk/closeloop.mjs'))};
init({ site: 'pk_demo', endpoint: ${E} });`,
  },
  {
    name: 'Plausible',
    pkg: 'plausible-tracker',
    entry: `import Plausible from 'plausible-tracker';
const p = Plausible({ domain: 'shop.test', apiHost: ${E}, trackLocalhost: true }); p.enableAutoPageviews();`,
  },
  {
    name: 'Snowplow',
    pkg: '@snowplow/browser-tracker',
    entry: `import { newTracker, trackPageView } from '@snowplow/browser-tracker';
newTracker('sp', ${E}, { appId: 'shop' }); trackPageView();`,
    published: '@snowplow/browser-tracker/dist/index.umd.min.js',
  },
  {
    name: 'Mixpanel',
    pkg: 'mixpanel-browser',
    // The documented core entry: the default one bundles the session recorder (rrweb), which we have no equivalent of.
    entry: `import mixpanel from 'mixpanel-browser/src/loaders/loader-module-core';
mixpanel.init('token', { api_host: ${E}, track_pageview: true, batch_flush_interval_ms: 1000 });`,
    published: 'mixpanel-browser/dist/mixpanel.min.js',
  },
  {
    name: 'PostHog',
    pkg: 'posthog-js',
    entry: `import posthog from 'posthog-js';
posthog.init('phc_bench', { api_host: ${E}, advanced_disable_decide: true, opt_out_useragent_filter: true, disable_session_recording: true, disable_surveys: true });`,
    published: 'posthog-js/dist/array.js',
  },
  {
    name: 'Segment (analytics-next)',
    pkg: '@segment/analytics-next',
    entry: `import { AnalyticsBrowser } from '@segment/analytics-next';
AnalyticsBrowser.load({ writeKey: 'wk', cdnURL: ${E}, cdnSettings: { integrations: {} } }).page();`,
    published: '@segment/analytics-next/dist/umd/index.js',
  },
  {
    name: 'RudderStack (analytics-js)',
    pkg: '@rudderstack/analytics-js',
    entry: `import { RudderAnalytics } from '@rudderstack/analytics-js';
const r = new RudderAnalytics(); r.load('wk', ${E}); r.page();`,
    published: '@rudderstack/analytics-js/dist/npm/modern/umd/index.js',
  },
];

export const slug = (sdk: Sdk) => sdk.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
export const tmpDir = scratchDir;

/** Bundle one SDK's entry into a minified IIFE (also kept in the scratch dir as NAME.js). Throws if it cannot be bundled. */
export async function bundle(sdk: Sdk, o: { quick: boolean } = { quick: false }): Promise<string> {
  mkdirSync(tmpDir, { recursive: true });
  const input = path.join(tmpDir, `${slug(sdk)}.entry.mjs`);
  const out = path.join(tmpDir, `${slug(sdk)}.js`);
  writeFileSync(input, sdk.entry);
  const r = await build({
    entryPoints: [input],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    minify: o.quick,
    legalComments: 'none',
    logLevel: 'silent',
    nodePaths: [path.join(repoRoot, 'node_modules')],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  let code = r.outputFiles[0]!.text;
  if (!o.quick) {
    const m = await minify(code, { ecma: 2020, compress: { passes: 3 }, format: { comments: false } });
    code = m.code!;
  }
  writeFileSync(out, code);
  return code;
}

export function sizes(code: string | Buffer): { min: number; gzip: number; brotli: number } {
  const buf = Buffer.isBuffer(code) ? code : Buffer.from(code);
  return {
    min: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The loader snippet in docs/sdk.md: queue stub + async script tag (what a site pastes into every page). */
export const LOADER = `<script>window.closeloop = window.closeloop || { q: [] };
  ['track', 'page'].forEach(function (m) { closeloop[m] = closeloop[m] || function () { closeloop.q.push([m].concat([].slice.call(arguments))); }; });</script>
<script async src="https://collector.example.com/cl.js" data-site="SITE_KEY"></script>`;

export async function sdkSize(o: BenchOptions): Promise<Section> {
  const failures: string[] = [];
  const clPath = path.join(repoRoot, 'dist/sdk/cl.js');
  if (!existsSync(clPath)) throw new Error('dist/sdk/cl.js is missing: run `npm run build` first');
  const ours = sizes(readFileSync(clPath));
  const corePath = path.join(repoRoot, 'dist/sdk/cl.core.js');
  if (!existsSync(corePath)) throw new Error('dist/sdk/cl.core.js is missing: run `npm run build` first');
  const core = sizes(readFileSync(corePath));
  const loader = sizes(LOADER);
  const how = o.quick ? 'esbuild bundle + esbuild minify (quick)' : 'esbuild bundle + terser';
  const rows: (string | number)[][] = [
    [
      '**closeloop cl.js** (our build, script tag, every feature)',
      'own build (rollup, terser + UglifyJS)',
      kb(ours.min),
      kb(ours.gzip),
      kb(ours.brotli),
      '1.0×',
    ],
    [
      '**closeloop cl.core.js** (core variant: no form/click capture, no SPA tracking or debug log, own cookie code instead of js-cookie)',
      'own build (rollup, terser + UglifyJS)',
      kb(core.min),
      kb(core.gzip),
      kb(core.brotli),
      `${(core.gzip / ours.gzip).toFixed(1)}×`,
    ],
    [
      'closeloop loader snippet (docs/sdk.md: queue stub + tag)',
      'inline HTML',
      `${loader.min} B`,
      `${loader.gzip} B`,
      `${loader.brotli} B`,
      '',
    ],
  ];
  /** Per peer, its smallest gzip size over the ways it ships (bundled here, published build). */
  const smallest = new Map<string, number>();
  const keep = (name: string, gzip: number) => smallest.set(name, Math.min(gzip, smallest.get(name) ?? Infinity));
  for (const sdk of SDKS) {
    log(`sdk-size: bundling ${sdk.name}`);
    try {
      const s = sizes(await bundle(sdk, o));
      rows.push([
        sdk.name === 'closeloop' ? 'closeloop (ES module entry)' : sdk.name,
        how,
        kb(s.min),
        kb(s.gzip),
        kb(s.brotli),
        `${(s.gzip / ours.gzip).toFixed(1)}×`,
      ]);
      if (sdk.name !== 'closeloop') keep(sdk.name, s.gzip);
    } catch (err) {
      rows.push([
        sdk.name,
        `not bundleable here: ${String((err as Error).message)
          .split('\n')[0]!
          .slice(0, 90)}`,
        '–',
        '–',
        '–',
        '',
      ]);
      if (sdk.name === 'closeloop')
        failures.push(`the closeloop ES module could not be bundled: ${String((err as Error).message).slice(0, 300)}`);
    }
    if (sdk.published) {
      const file = path.join(repoRoot, 'node_modules', sdk.published);
      if (existsSync(file)) {
        const s = sizes(readFileSync(file));
        rows.push([
          `${sdk.name}`,
          `published build \`${sdk.published}\``,
          kb(s.min),
          kb(s.gzip),
          kb(s.brotli),
          `${(s.gzip / ours.gzip).toFixed(1)}×`,
        ]);
        keep(sdk.name, s.gzip);
      }
    }
  }
  const ratios = [...smallest].map(([name, gzip]) => `${name} ${(gzip / ours.gzip).toFixed(1)}×`);
  const goal = (name: string, gzip: number, budget: number) =>
    `${name} ≤ ${kb(budget)} gzip — now ${gzip} B (${pct(gzip / budget)} of the budget, ${gzip <= budget ? 'within' : 'over'})`;
  const markdown = [
    table(['SDK', 'how', 'minified', 'gzip', 'brotli', 'gzip vs cl.js'], rows),
    '',
    `Goals (issue 19): ${goal('cl.js', ours.gzip, BUDGETS['cl.js']!)}; ${goal('cl.core.js', core.gzip, BUDGETS['cl.core.js']!)}.`,
    '',
    'Method: each SDK, ours included, is bundled from its npm entry with the smallest usage that records page views ' +
      '(entries in benchmarks/sdk-size.ts) by esbuild (browser field, CommonJS and ESM, one IIFE, dynamic imports inlined, ' +
      '`process.env.NODE_ENV = "production"`), then minified by terser (ecma 2020, 3 passes, no comments: our own build\'s settings ' +
      'without its `unsafe_arrows`). Mixpanel is measured from its documented core entry (`loader-module-core`): its default ' +
      'entry also bundles the rrweb session recorder (~120 KB gzip), which closeloop has no equivalent of. Bundled sizes count ' +
      'what a page downloads at once; Segment, RudderStack and PostHog fetch settings or further plugins at run time, which is ' +
      'not counted. "Published build" rows are the packages\' own minified browser files, measured as shipped. Headline ratios ' +
      "use each peer's smallest row. Sizes are bytes / 1024; gzip level 9, brotli quality 11 (node:zlib).",
  ].join('\n');
  return {
    title: 'SDK size',
    markdown,
    headlines: [
      `cl.js ${kb(ours.gzip)} gzip (goal ≤ 4.0 KB), cl.core.js ${kb(core.gzip)} (goal ≤ 3.0 KB); each peer's smallest build is, in gzip bytes vs cl.js: ${ratios.join(', ')}`,
    ],
    failures,
  };
}

runIfMain(import.meta.url, sdkSize);
