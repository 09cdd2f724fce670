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
 * with a few lines of its own (coreJar in sdk/src/storage/cookie.ts). The sizes of cl.js, cl.core.js,
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
  'cl.js': 4632,
  'cl.core.js': 3065,
  'loader.js': 400,
  'consent.js': 1536,
};

export const gzipSize = (code: string): number => gzipSync(code, { level: 9 }).length;

const minify = () =>
  terser({
    ecma: 2020,
    compress: {
      passes: 2,
      unsafe_arrows: true,
      unsafe: true,
      unsafe_methods: true,
      unsafe_comps: true,
      pure_getters: true,
    },
    format: { comments: false },
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

/** `core`: build the core variant (see CORE in sdk/src/config.ts). */
const plugins = (core = false) => [
  ...(core ? [noJsCookie()] : []),
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
      plugins: [minify(), size()],
    },
    plugins: plugins(),
  },
  {
    input: 'sdk/src/browser.ts',
    output: { file: 'dist/sdk/cl.core.js', format: 'iife', strict: false, plugins: [minify(), size()] },
    plugins: plugins(true),
  },
  {
    input: 'sdk/src/loader.js',
    output: { file: 'dist/sdk/loader.js', format: 'es', plugins: [minify(), size()] },
  },
  {
    input: 'sdk/src/notice/notice.ts',
    output: { file: 'dist/sdk/consent.js', format: 'iife', strict: false, plugins: [minify(), size()] },
    plugins: plugins(),
  },
  {
    input: 'sdk/src/index.ts',
    output: { file: 'dist/sdk/closeloop.mjs', format: 'es' },
    plugins: plugins(),
  },
];

export default config;
