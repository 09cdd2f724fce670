#!/usr/bin/env node
// The `closeloop` command. The TypeScript sources are compiled to dist/ by `npm install` (prepare) or `npm run build`.
// Plain `node` in the shebang (BusyBox's env has no -S): the collector's Node.js flags are passed by its start paths (collector/src/base/node-flags.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/collector/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('closeloop: not built yet. Run `npm run build` in the closeloop folder first.\n');
  process.exit(1);
}
const { run } = await import(entry.href);
run(process.argv.slice(2), process.env);
