/**
 * Browser SDK builds (`npm run build:sdk`):
 *   dist/sdk/cl.js          minified IIFE for the script tag (entry sdk/src/browser.ts), every feature
 *   dist/sdk/cl.core.js     the core variant: the same sources built with `__CL_CORE__` = true, so
 *                           terser drops form and click capture, SPA tracking and the debug log
 *                           (see CORE in sdk/src/config.ts)
 *   dist/sdk/loader.js      the minified inline loader snippet (sdk/src/loader.js)
 *   dist/sdk/closeloop.mjs  ES module for bundlers (entry sdk/src/index.ts)
 *   dist/sdk/consent.js     the optional consent notice, minified IIFE (entry sdk/src/notice/notice.ts)
 * js-cookie is bundled into cl.js and closeloop.mjs; cl.core.js writes its cookies in the same format
 * with a few lines of its own (coreJar in sdk/src/storage/cookie.ts). cl.js and cl.core.js begin with
 * V8's compile hint (COMPILE_HINT below). The sizes of cl.js, cl.core.js,
 * loader.js and consent.js (min and min+gzip) are printed on every build against their budgets;
 * sdk/src/size.test.ts fails when one is over its ceiling.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Plugin, RollupOptions } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replaceModule from '@rollup/plugin-replace';
import terserModule from '@rollup/plugin-terser';
import typescriptModule from '@rollup/plugin-typescript';
import { minify as uglifyMinify } from 'uglify-js';

// Under NodeNext these plugins' (CommonJS-style) type declarations type the default import as the
// module object; at run time it is the plugin function itself. Accept either.
type Default<M> = M extends { default: infer F } ? F : M;
const unwrap = <M>(m: M): Default<M> => ((m as { default?: unknown }).default ?? m) as Default<M>;
const replace = unwrap(replaceModule);
const terser = unwrap(terserModule);
const typescript = unwrap(typescriptModule);

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * min+gzip budgets in bytes (issue 19): 4.0 KB for the full SDK, 3.0 KB for the core variant, 400 B
 * for the loader snippet, 1.5 KB for the consent notice.
 */
export const BUDGETS: Readonly<Record<string, number>> = {
  'cl.js': 4096,
  'cl.core.js': 3072,
  'loader.js': 400,
  'consent.js': 1536,
};

/**
 * What the size test enforces: each bundle's size as last reached, never above its budget once the
 * budget is met. Lower a ceiling with every saving; never raise one without saying why in the commit.
 */
export const CEILINGS: Readonly<Record<string, number>> = {
  // Raised from 4176 and 2946 (issue 19): the compile hint (+21 B) and one cookie read per task
  // (storage/cookie.ts: +27 B in cl.js, +51 B in cl.core.js, whose jar now reads every cookie) took
  // main-thread time off every page load (benchmarks/RESULTS.md).
  'cl.js': 4224,
  'cl.core.js': 3018,
  'loader.js': 400,
  'consent.js': 1536,
};

export const gzipSize = (code: string): number => gzipSync(code, { level: 9 }).length;

/**
 * Internal property names, renamed by terser: the tracker's visitor id getter, the outbox's `leave`
 * (−3 B gzip in cl.js, −9 B in cl.core.js), js-cookie's converter `read` / `write` (−8 B in cl.js) and
 * the resolved settings' flags (Config in sdk/src/config.ts; resolveConfig reads the site's options by
 * quoted name: −14 B in cl.js, −13 B in cl.core.js). Never a wire field, a public API name, an init
 * option as a site passes it, a data-* attribute, js-cookie's API or a storage key. `consent` stays:
 * it is also the public method's name. Renaming the options as read too would save 35 B more in cl.js,
 * but would break every option a site sets.
 */
const INTERNAL_PROPERTIES =
  /^(leave|visitorId|read|write|spa|hash|autocapture|autoPageview|forms|debug|cookieName|cookieless|respectGpc)$/;

/**
 * terser, with internal properties renamed; `minify(false)`: a second pass over terser's own output,
 * compression only (no renaming: the quoted option reads are plain `o.cookieName` by then), −3 B gzip in
 * cl.js, −1 B in cl.core.js. Other optimisers measured against this pipeline did not pay (issue 19):
 * Closure Compiler SIMPLE alone +186 B gzip in cl.js, before or after terser ±1 B; ADVANCED then terser
 * −93 B only by renaming what must stay (the `site` option, js-cookie's `sameSite`, navigator's
 * `globalPrivacyControl`, the collector's `visitor_id`, touch field `l`, the public API), so no more
 * than terser's own renaming once protected; esbuild alone +308 B, esbuild then terser +65 B. UglifyJS
 * alone +98 B, UglifyJS then terser +32 B; after terser it pays (see uglify below).
 */
const minify = (renameProperties = true) =>
  terser({
    ecma: 2020,
    compress: {
      // 3 passes and hoisted `var`s (js-cookie's: one declaration per function): −12 B gzip in cl.js, −5 B in cl.core.js
      passes: 3,
      hoist_vars: true,
      // Inline only functions that are simple (saves 19 B gzip in cl.js against the default, which
      // also inlines one-use functions whose bodies then repeat less well).
      inline: 1,
      unsafe_arrows: true,
      unsafe: true,
      unsafe_methods: true,
      unsafe_comps: true,
      pure_getters: true,
    },
    mangle: renameProperties && {
      properties: {
        regex: INTERNAL_PROPERTIES,
        // `o['cookieName']` (resolveConfig reads the site's options so) is never renamed, `cfg.cookieName` is.
        keep_quoted: 'strict',
        // `read` and `write` are also DOM names: rename them all the same (the bundles use neither on the DOM).
        builtins: true,
      },
    },
    format: { comments: false },
  });

/**
 * UglifyJS over terser's output, then terser's compression once more (`minify(false)`): UglifyJS
 * inlines and merges what terser leaves apart (functions called once with arguments, a `return` after
 * a test, a function body that only sets up an object), −69 B gzip in cl.js, −67 B in cl.core.js.
 * Its `let` → `var` conversion (`varify`) is off: `let` compresses better beside the other `let`s
 * (−23 B); its `unsafe` rewrites are off too (they saved nothing). Names are mangled again; properties
 * are not touched.
 */
const uglify = (): Plugin => ({
  name: 'closeloop-uglify',
  renderChunk(code) {
    const out = uglifyMinify(code, {
      compress: { passes: 3, inline: 1, varify: false },
      mangle: true,
      output: { comments: false },
    });
    if (out.error) this.error(out.error);
    return { code: out.code, map: null };
  },
});

/**
 * V8's explicit compile hint, the script's first line (Chromium ≥ 136; other engines read a comment):
 * every function of the script is compiled once, as the script loads, instead of pre-parsed then and
 * parsed and compiled again at its first call — most of the SDK's functions run at load. Added after
 * the minifiers, which drop comments (21 B gzip in cl.js). Page-cost A/B in Chromium: see
 * benchmarks/RESULTS.md (issue 19).
 */
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n';
const compileHint = (): Plugin => ({
  name: 'closeloop-compile-hint',
  renderChunk: (code) => ({ code: COMPILE_HINT + code, map: null }),
});

/**
 * The core variant has its own few lines for cookies (coreJar in sdk/src/storage/cookie.ts): js-cookie
 * resolves to an empty module there, so the bundle leaves it out.
 */
const noJsCookie = (): Plugin => ({
  name: 'closeloop-core-no-js-cookie',
  resolveId: (id) => (id == 'js-cookie' ? '\0js-cookie' : null),
  load: (id) => (id == '\0js-cookie' ? 'export default {}' : null),
});

/**
 * js-cookie's default export also carries `remove`, `withAttributes` and `withConverter`, built with
 * `Object.create` and frozen attributes: the SDK calls only `withConverter(converter)` on it, then
 * `get()` and `set(name, value, attrs)` on what that returns (storage/cookie.ts), so the bundle
 * keeps js-cookie's own `get` and `set` (the same closures, the same cookie format) and leaves the rest
 * out (115 B gzip), and within them what the SDK never reaches (about 80 B gzip in cl.js): the guards
 * for a server without `document` (the bundles run in a browser, and every cookie call of the SDK is
 * guarded), the one-cookie path of `get(name)` (the SDK reads them all), the `assign`
 * helper, replaced by an object spread (the same own attributes; the SDK's are plain objects), and
 * `set`'s encoding of the cookie name, which leaves every name the SDK writes as it is (27 B).
 * Each rewrite must match exactly once: the build fails when a js-cookie release changes that shape.
 */
const JS_COOKIE_REWRITES: [RegExp, string][] = [
  [/return Object\.create\(\s*\{\s*set: set,\s*get: get,[\s\S]*?\n {2}\)\n/, 'return { set: set, get: get }\n'],
  // The SDK calls `withConverter` once, on the default API, with a converter that has both `read` and
  // `write` (storage/cookie.ts URI_CONVERTER): js-cookie merges it over its default converter, of which
  // nothing is used then, so it goes (its two regular expressions: −83 B gzip in cl.js).
  [
    /var api = init\(defaultConverter, \{ path: '\/' \}\);/,
    "var api = { withConverter: function (converter) { return init(converter, { path: '/' }) } };",
  ],
  [/ {4}if \(typeof document === 'undefined'\) \{\s*return\s*\}\n/, ''],
  [/if \(typeof document === 'undefined' \|\| \(arguments\.length && !name\)\) \{\s*return\s*\}\n/, ''],
  [
    /attributes = assign\(\{\}, defaultAttributes, attributes\);/,
    'attributes = { ...defaultAttributes, ...attributes };',
  ],
  // The SDK reads every cookie at once (storage/cookie.ts: one read of document.cookie per task), never
  // one by name.
  [/return name \? jar\[name\] : jar\n/, 'return jar\n'],
  [/\n\s*if \(name === found\) \{\s*break\s*\}\n/, '\n'],
  // The cookie name's encoding: every name the SDK writes is letters, digits, `_`, `-` and `.` (the
  // visitor cookie's configured name made so by resolveConfig), which it leaves as they are.
  [/ {4}name = encodeURIComponent\(name\)\n[^\n]*\n[^\n]*;\n/, ''],
  // One read of document.cookie instead of two: without cookies, `''.split('; ')` is `['']`, whose
  // one empty entry only adds jar[''] (never a name the SDK reads).
  [/document\.cookie \? document\.cookie\.split\('; '\) : \[\]/, "document.cookie.split('; ')"],
];
const jsCookieGetSet = (): Plugin => ({
  name: 'closeloop-js-cookie-get-set',
  transform(code, id) {
    if (!/[\\/]js-cookie[\\/]dist[\\/]js\.cookie\.mjs$/.test(id)) return null;
    for (const [from, to] of JS_COOKIE_REWRITES) {
      if (code.match(new RegExp(from, 'g'))?.length != 1)
        this.error(`js-cookie changed shape (${from}); update jsCookieGetSet`);
      code = code.replace(from, to);
    }
    return { code, map: null };
  },
});

/**
 * Output plugin, before terser: `const` declarations become `let` (the code never assigns a constant,
 * so nothing changes but the bytes: one keyword instead of two compresses better, and terser then
 * joins neighbouring declarations — 30 B gzip in cl.js). Rewritten by position from the parsed
 * program, never inside a string, a comment or a regular expression.
 */
const constToLet = (): Plugin => ({
  name: 'closeloop-const-to-let',
  renderChunk(code) {
    const starts: number[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node != 'object') return;
      if (Array.isArray(node)) return node.forEach(walk);
      const n = node as { type?: string; kind?: string; start: number };
      if (n.type == 'VariableDeclaration' && n.kind == 'const') starts.push(n.start);
      for (const v of Object.values(n)) if (v && typeof v == 'object') walk(v);
    };
    walk(this.parse(code));
    let out = code;
    for (const at of starts.sort((a, b) => b - a)) {
      if (out.slice(at, at + 5) != 'const') this.error(`const-to-let: no const at ${at}`);
      out = out.slice(0, at) + 'let' + out.slice(at + 5);
    }
    return { code: out, map: null };
  },
});

/** `core`: build the core variant (see CORE in sdk/src/config.ts). */
const plugins = (core = false) => [
  core ? noJsCookie() : jsCookieGetSet(),
  replace({
    preventAssignment: true,
    values: { __CL_VERSION__: JSON.stringify(pkg.version), __CL_CORE__: String(core) },
  }),
  nodeResolve({ browser: true }),
  // Declarations come from `tsc -p sdk/tsconfig.json`; here only JS.
  typescript({
    tsconfig: false,
    include: ['sdk/src/**/*.ts', 'contract/**/*.ts'],
    exclude: ['**/*.test.ts'],
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      declaration: false,
      sourceMap: false,
      types: [],
    },
  }),
];

function size(): Plugin {
  return {
    name: 'closeloop-size',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type != 'chunk') continue;
        const min = Buffer.byteLength(chunk.code);
        const gz = gzipSize(chunk.code);
        const budget = BUDGETS[chunk.fileName]!;
        const ceiling = CEILINGS[chunk.fileName]!;
        const over =
          gz > budget
            ? ` — over the ${budget} B budget (enforced ceiling ${ceiling} B)`
            : ` (budget ${budget} B, ceiling ${ceiling} B)`;
        // console, not this.warn: the build runs with --silent
        console.log(`${chunk.fileName}: ${min} B min, ${gz} B min+gzip${over}`);
      }
    },
  };
}

const config: RollupOptions[] = [
  {
    input: 'sdk/src/browser.ts',
    output: {
      file: 'dist/sdk/cl.js',
      format: 'iife',
      // No "use strict" prologue (11 bytes): the bundle relies on no strict-mode-only behaviour.
      strict: false,
      plugins: [constToLet(), minify(), minify(false), uglify(), minify(false), compileHint(), size()],
    },
    plugins: plugins(),
  },
  {
    input: 'sdk/src/browser.ts',
    output: {
      file: 'dist/sdk/cl.core.js',
      format: 'iife',
      strict: false,
      plugins: [constToLet(), minify(), minify(false), uglify(), minify(false), compileHint(), size()],
    },
    plugins: plugins(true),
  },
  {
    input: 'sdk/src/loader.js',
    output: { file: 'dist/sdk/loader.js', format: 'es', plugins: [constToLet(), minify(), size()] },
  },
  {
    input: 'sdk/src/notice/notice.ts',
    output: { file: 'dist/sdk/consent.js', format: 'iife', strict: false, plugins: [constToLet(), minify(), size()] },
    plugins: plugins(),
  },
  {
    input: 'sdk/src/index.ts',
    output: { file: 'dist/sdk/closeloop.mjs', format: 'es' },
    plugins: plugins(),
  },
];

export default config;
