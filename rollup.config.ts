/**
 * Browser SDK builds (`npm run build:sdk`):
 *   dist/sdk/cl.js          minified IIFE for the script tag (entry sdk/src/browser.ts)
 *   dist/sdk/closeloop.mjs  ES module for bundlers (entry sdk/src/index.ts)
 * js-cookie is bundled into both. The size of cl.js (min and min+gzip) is printed on every build,
 * flagged when over the SDK's budget.
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

/** min+gzip budget of cl.js, in bytes: 3.0 KB for the full SDK. */
const BUDGET = 3072;

const plugins = () => [
  replace({ preventAssignment: true, values: { __CL_VERSION__: JSON.stringify(pkg.version) } }),
  nodeResolve({ browser: true }),
  // Declarations come from `tsc -p sdk/tsconfig.json`; here only JS.
  typescript({
    tsconfig: false,
    include: ['sdk/src/**/*.ts'],
    exclude: ['**/*.test.ts'],
    compilerOptions: {
      target: 'ES2020',
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
        const gz = gzipSync(chunk.code, { level: 9 }).length;
        const over = gz > BUDGET ? ` — OVER the ${BUDGET} B budget` : ` (budget ${BUDGET} B)`;
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
      plugins: [terser({ ecma: 2020, compress: { passes: 3, unsafe_arrows: true }, format: { comments: false } }), size()],
    },
    plugins: plugins(),
  },
  {
    input: 'sdk/src/index.ts',
    output: { file: 'dist/sdk/closeloop.mjs', format: 'es' },
    plugins: plugins(),
  },
];

export default config;
