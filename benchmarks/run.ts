/**
 * `npm run bench [-- --quick] [-- --only NAME,NAME]`: every benchmark, each in its own process (so
 * one crash or leak cannot spoil the others), then one report.
 *   full:    builds first, writes benchmarks/RESULTS.md and the SVG plots beside it (~20 min on 2 cores);
 *   --quick: small sizes (< 2 min), builds only when dist/ is older than the sources, writes
 *            RESULTS.quick.md in the scratch dir (.tmp/bench, or CLOSELOOP_BENCH_DIR); never touches
 *            the committed results. benchmarks/bench.test.ts runs it in `npm test`.
 * --no-build measures dist/ as it is (the test: `npm test` has just built it).
 * Exits 1 only on real breakage (lost events, a benchmark that crashed) — never on a timing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { machine, parseOptions, QUIET_BELOW, repoRoot, run, scratchDir, settle, tsArgs, type Section } from './lib.js';

const BENCHMARKS = ['sdk-size', 'sdk-page-cost', 'collector-throughput', 'attribution-scale'];
const argv = process.argv.slice(2);
const opts = parseOptions(argv);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1]!.split(',') : BENCHMARKS;
const unknown = only.filter((b) => !BENCHMARKS.includes(b));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; there are ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const outDir = opts.quick ? scratchDir : path.join(repoRoot, 'benchmarks');
mkdirSync(scratchDir, { recursive: true });

const say = (s: string) => console.log(`\n[bench] ${s}`);
const t0 = Date.now();
const loadAtStart = loadavg()[0]!;

/** Newest modification time (ms) of the built (non-test) files under `dir` (0 when none). */
function newest(dir: string): number {
  if (!existsSync(dir) || dir.endsWith('.test.ts')) return 0;
  const st = statSync(dir);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...readdirSync(dir).map((f) => newest(path.join(dir, f))));
}
const outputs = ['dist/sdk/cl.js', 'dist/sdk/closeloop.mjs', 'dist/collector/src/cli/main.js'].map((f) =>
  path.join(repoRoot, f),
);
const builtAt = Math.min(...outputs.map((f) => (existsSync(f) ? statSync(f).mtimeMs : 0)));
const sourcesAt = Math.max(
  ...['sdk/src', 'collector/src', 'rollup.config.ts'].map((d) => newest(path.join(repoRoot, d))),
);
if (argv.includes('--no-build')) {
  if (builtAt === 0) throw new Error('--no-build, but dist/ is missing: run `npm run build` first');
} else if (!opts.quick || builtAt < sourcesAt) {
  say(`building (npm run build)${opts.quick ? ': dist/ is older than the sources' : ''}`);
  await run('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'inherit', 'inherit'] });
}

const sections: Section[] = [];
const failures: string[] = [];
/** Every benchmark's last section of this mode, so `--only X` can refresh X and keep the rest of the report. */
const lastDir = path.join(scratchDir, opts.quick ? 'last-quick' : 'last-full');
mkdirSync(lastDir, { recursive: true });
type Kept = Section & { ranAt: string; seconds: number };
const kept: string[] = [];
/** Per benchmark run now (full runs): how busy the machine was just before it started (lib.ts settle). */
const quietness: { name: string; busy: number; waitedMs: number }[] = [];
for (const name of BENCHMARKS) {
  const last = path.join(lastDir, `${name}.json`);
  if (!only.includes(name)) {
    if (!existsSync(last)) continue;
    const s = JSON.parse(readFileSync(last, 'utf8')) as Kept;
    say(`${name}: kept from the run of ${s.ranAt}`);
    kept.push(name);
    s.markdown += `\n\n_Kept from an earlier run (${s.ranAt}): \`--only\` did not include it._`;
    sections.push(s);
    failures.push(...s.failures.map((f) => `${name}: ${f}`));
    continue;
  }
  say(`${name}${opts.quick ? ' (quick)' : ''} …`);
  const out = path.join(scratchDir, `${name}.json`);
  rmSync(out, { force: true });
  // Full runs wait for a quiet machine first (the quick run in `npm test` does not: it measures nothing).
  const quiet = opts.quick ? undefined : await settle();
  if (quiet) quietness.push({ name, ...quiet });
  const started = Date.now();
  const load0 = loadavg()[0]!;
  try {
    await run(process.execPath, tsArgs(`benchmarks/${name}.ts`, ...(opts.quick ? ['--quick'] : []), '--json', out), {
      stdio: ['ignore', 'inherit', 'inherit'],
      timeoutMs: (opts.quick ? 3 : 30) * 60_000,
    });
  } catch (err) {
    // exit 1 = the benchmark found breakage (its section says what); anything else = it crashed
    if (!existsSync(out)) failures.push(`${name} crashed: ${String((err as Error).message).slice(0, 400)}`);
  }
  if (existsSync(out)) {
    const s = JSON.parse(readFileSync(out, 'utf8')) as Section;
    const seconds = Math.round((Date.now() - started) / 1000);
    const before = quiet
      ? `; machine ${Math.round(quiet.busy * 100)} % busy in the 2 s before it started (after waiting ${Math.round(quiet.waitedMs / 1000)} s for < ${Math.round(QUIET_BELOW * 100)} %)`
      : '';
    s.markdown += `\n\n_Ran in ${seconds} s; load average (1 min) ${load0.toFixed(1)} at its start, ${loadavg()[0]!.toFixed(1)} at its end${before}._`;
    writeFileSync(last, JSON.stringify({ ...s, ranAt: new Date().toISOString(), seconds } satisfies Kept));
    sections.push(s);
    failures.push(...s.failures.map((f) => `${name}: ${f}`));
  }
}

function versionOf(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim()
      .split('\n')[0]!;
  } catch {
    return 'unknown';
  }
}
const chdb = (await import('chdb')) as unknown as { query: (sql: string, format: string) => string };
const clickhouse = chdb.query('SELECT version()', 'TSV').trim();
const commit = versionOf('git', ['rev-parse', '--short', 'HEAD']);
const dirty =
  versionOf('git', ['status', '--porcelain', '--', 'collector', 'sdk']) !== ''
    ? ' (+ uncommitted changes in collector/ or sdk/)'
    : '';

const report = [
  `# closeloop benchmarks${opts.quick ? ' (quick run — small sizes, not for quoting)' : ''}`,
  '',
  `Generated by \`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\` (benchmarks/run.ts) on ${new Date().toISOString()}` +
    (kept.length ? `, keeping ${kept.join(', ')} from the previous full run (see the note under each section).` : '.'),
  '',
  `- Machine: ${machine()}`,
  `- Node ${process.version}, ClickHouse ${clickhouse} (embedded, chDB), ${versionOf(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'])}`,
  `- closeloop commit ${commit}${dirty}; this invocation ran ${((Date.now() - t0) / 60_000).toFixed(1)} min`,
  `- Load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end, on ${cpus().length} cores ` +
    '(a trailing average: it includes the minute before the run and the benchmarks’ own processes).' +
    (quietness.length
      ? // The direct reading: CPU busy over the 2 s before each benchmark, after waiting up to 60 s for < QUIET_BELOW.
        quietness.some((q) => q.busy >= QUIET_BELOW)
        ? ` Other work shared the machine: ${quietness
            .filter((q) => q.busy >= QUIET_BELOW)
            .map(
              (q) =>
                `${q.name} started with it ${Math.round(q.busy * 100)} % busy after waiting ${Math.round(q.waitedMs / 1000)} s`,
            )
            .join('; ')}.`
        : ` Each benchmark started on a quiet machine (at most ${Math.round(Math.max(...quietness.map((q) => q.busy)) * 100)} % CPU busy over the 2 s before it).`
      : ''),
  '',
  "Every figure is beside a baseline measured in the same run (bare Fastify, a page without SDK, peers' SDKs), " +
    'as a ratio or a difference, and is the median of several repetitions where noted. The machine is shared and small ' +
    '(2 cores): compare ratios, not absolute numbers, across runs. Nothing here is asserted in `npm test`; a run fails only ' +
    'if a benchmark breaks (for example an acknowledged event that was not stored exactly once).',
  '',
  '## Headlines',
  '',
  ...sections.flatMap((s) => s.headlines.map((h) => `- ${h}`)),
  ...(failures.length ? ['', '## FAILURES', '', ...failures.map((f) => `- ${f}`)] : []),
  '',
  ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
  '## Discussion',
  '',
  '<!-- DISCUSSION -->',
  '',
].join('\n');

const target = path.join(outDir, opts.quick ? 'RESULTS.quick.md' : 'RESULTS.md');
// Keep a hand-written discussion across runs: everything after the marker in the previous file.
const previous = existsSync(target) ? readFileSync(target, 'utf8') : '';
const keptDiscussion = previous.includes('<!-- DISCUSSION -->')
  ? previous.slice(previous.indexOf('<!-- DISCUSSION -->'))
  : '<!-- DISCUSSION -->\n';
writeFileSync(target, report.replace('<!-- DISCUSSION -->\n', keptDiscussion));
for (const s of sections)
  for (const [file, content] of Object.entries(s.files ?? {})) writeFileSync(path.join(outDir, file), content);

say('summary');
for (const s of sections) for (const h of s.headlines) console.log(`  ${h}`);
for (const f of failures) console.error(`  FAILED: ${f}`);
console.log(`\nreport: ${path.relative(repoRoot, target)}`);
const total = BENCHMARKS.filter((b) => only.includes(b)).length;
console.log(
  `benchmarks: ${total - new Set(failures.map((f) => f.split(':')[0])).size} passed, ${new Set(failures.map((f) => f.split(':')[0])).size} failed`,
);
process.exit(failures.length ? 1 : 0);
