// `npm test`: formatting check, build, type-check, unit + integration tests (vitest, real embedded ClickHouse),
// browser specs (Playwright, real Chromium, real collector), then one summary line.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSystemDep } from './system-deps.mjs';

const chromium = ensureSystemDep('chromium');
const nginx = ensureSystemDep('nginx');
mkdirSync('test-results', { recursive: true });
// The summary reads the suites' JSON reports: never a previous run's.
for (const f of ['vitest.json', 'e2e.json']) rmSync(path.join('test-results', f), { force: true });
// Every temporary directory of the run (data directories, spools, stores, nginx prefixes) goes under one
// scratch directory, removed at the end whatever the outcome: repeated runs do not fill /tmp.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'closeloop-npm-test-'));
chmodSync(scratch, 0o755); // nginx's unprivileged workers read a test's site root under it
process.env.TMPDIR = scratch;
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

function step(name, cmd, args, env = {}) {
  console.log(`\n[test] ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

/** Runs a suite while another runs: its output, line by line, prefixed with its name. Resolves to [name, ok]. */
function concurrentStep(name, cmd, args, env) {
  console.log(`\n[test] ${name} (running beside the other suite): ${cmd} ${args.join(' ')}`);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) out.write(`[${name}] ${line}\n`);
    });
    stream.on('end', () => rest && out.write(`[${name}] ${rest}\n`));
  }
  return new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`[test] ${name}: ${err.message}`);
      resolve([name, false]);
    });
    child.on('close', (code) => resolve([name, code === 0]));
  });
}

const results = [];
const must = (ok, what) => {
  if (!ok) {
    console.error(`\n[test] ${what} failed; stopping.`);
    process.exit(1);
  }
};
// Formatting (Prettier, width 120: .prettierrc.json). A failure is reported with the others, not a stop:
// `npm run format` fixes it.
results.push([
  'format (npm run format fixes it)',
  step('format', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']),
]);
must(step('build', 'npm', ['run', 'build', '--silent']), 'build');
must(step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']), 'typecheck');
// The two suites run side by side: vitest is mostly CPU in one worker (chDB, one file at a time), the
// browser specs mostly wait on Chromium and their collector, so together they use both cores (~4 min
// saved on 2 cores). Each suite's lines carry its name; each waits for conditions, never fixed times.
// Two vitest projects: `embedded` (chDB in process) and `server` (the integration suite again with
// CLICKHOUSE_URL against a chDB-backed ClickHouse HTTP server process, plus collectors behind nginx).
const suites = await Promise.all([
  concurrentStep(
    'unit + integration',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json'],
    { NGINX_PATH: nginx },
  ),
  concurrentStep('browser', 'npx', ['playwright', 'test'], { CHROMIUM_PATH: chromium, NGINX_PATH: nginx }),
]);
console.log(`\n[test] embedded + server: vitest; browser: Playwright, Chromium ${chromium}, nginx ${nginx}`);
results.push(...suites);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync('test-results/vitest.json')) {
  const v = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  passed += v.numPassedTests;
  // Files of the store suite run in both projects: their second report is the `server` run.
  const mode = { embedded: 0, server: 0 };
  const seen = new Set();
  for (const file of v.testResults) {
    const server = seen.has(file.name) || file.name.includes('/test/scale-out/');
    seen.add(file.name);
    mode[server ? 'server' : 'embedded'] += file.assertionResults.filter((t) => t.status === 'passed').length;
  }
  console.log(
    `\n[test] vitest passed: ${mode.embedded} embedded (chDB in process), ${mode.server} server (CLICKHOUSE_URL, test ClickHouse server process)`,
  );
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
}
if (existsSync('test-results/e2e.json')) {
  const s = JSON.parse(readFileSync('test-results/e2e.json', 'utf8')).stats;
  passed += s.expected + (s.flaky ?? 0);
  failed += s.unexpected;
  skipped += s.skipped;
}
const ok = results.every(([, r]) => r) && failed === 0 && passed > 0;
if (!ok) for (const [name, r] of results) if (!r) console.error(`[test] ${name} tests failed`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
