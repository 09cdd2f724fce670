/**
 * Small shared helpers for the benchmarks: statistics (median of N), process control (spawn,
 * wait for HTTP, kill on exit), /proc sampling (CPU, RSS), machine facts and the section type
 * that every benchmark returns to the runner (benchmarks/run.ts), which writes RESULTS.md.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Scratch files of a run (bundles, per-benchmark JSON, the quick report): .tmp/bench, or CLOSELOOP_BENCH_DIR (tests). */
export const scratchDir = path.resolve(repoRoot, process.env.CLOSELOOP_BENCH_DIR ?? path.join('.tmp', 'bench'));

/** What one benchmark hands the runner. `failures` are real breakage (lost data, crashes), never timings. */
export interface Section {
  title: string;
  /** Markdown body (tables, method notes). */
  markdown: string;
  /** One-line headline figures for the summary and the README. */
  headlines: string[];
  failures: string[];
  /** SVG plots to write beside RESULTS.md: file name → content. */
  files?: Record<string, string>;
}

export interface BenchOptions {
  quick: boolean;
}

export function parseOptions(argv: string[] = process.argv.slice(2)): BenchOptions {
  return { quick: argv.includes('--quick') };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The q-quantile (0…1) of `xs`, linearly interpolated between the nearest ranks. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (at - lo);
}

export const log = (...a: unknown[]) => console.log('[bench]', ...a);

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
export const pct = (r: number) => (Number.isFinite(r) ? `${(r * 100).toFixed(0)} %` : '–');
/** A ratio judged against a goal: one decimal, so that 79.7 % never reads as a goal of 80 % met. */
export const pctGoal = (r: number, goal: number, of = '') =>
  Number.isFinite(r) ? `${(r * 100).toFixed(1)} %${of} (goal ≥ ${pct(goal)}: ${r >= goal ? 'met' : 'missed'})` : '–';

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---- processes ------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const scratch = new Set<string>();
/** A fresh temporary directory, removed when this process exits — also when it is stopped by a signal. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  scratch.add(dir);
  return dir;
}
/** SIGTERM, so a child that started processes of its own (a benchmark → collector, Chromium) stops them too. */
function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.pid) c.kill('SIGTERM');
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

/** Spawn a child that is killed when this process exits. Output goes to a buffer (last 8 KB). */
export function start(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess & { output: () => string } {
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return Object.assign(child, { output: () => out });
}

/** Ask the child to stop (SIGTERM), wait up to `ms`, then SIGKILL. */
export async function stop(child: ChildProcess, ms = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), ms);
  await done;
  clearTimeout(t);
}

/** Poll `url` until it answers 2xx, or throw after `ms`. */
export async function waitForHttp(
  url: string,
  ms = 60_000,
  child?: ChildProcess & { output?: () => string },
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited (${child.exitCode}) before ${url} answered:\n${child.output?.()}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Run a command to completion; resolves with stdout, rejects with its output on failure. */
export function run(cmd: string, args: string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = start(cmd, args, opts);
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    let hard: NodeJS.Timeout | undefined;
    const t = setTimeout(() => {
      child.kill('SIGTERM');
      hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    }, opts.timeoutMs ?? 600_000);
    child.on('exit', (code) => {
      clearTimeout(t);
      clearTimeout(hard);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${child.output()}`));
    });
  });
}

/** Arguments to run a TypeScript file in a plain `node` process (no tsx wrapper process: its pid is the one measured and killed). */
export const tsArgs = (file: string, ...args: string[]) => ['--import', 'tsx', path.join(repoRoot, file), ...args];

// ---- /proc sampling (Linux) -----------------------------------------------------------------

const CLK_TCK = 100;

/** CPU seconds (user + system) used so far by process `pid`. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Resident set size and its peak (VmHWM), bytes. */
export function memory(pid: number | 'self' = 'self'): { rss: number; peak: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const get = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? NaN) * 1024;
  return { rss: get('VmRSS'), peak: get('VmHWM') };
}

/** Reset the peak RSS (VmHWM) of a process to its current RSS (Linux ≥ 4.0); false if not allowed. */
export function resetPeak(pid: number | 'self' = 'self'): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Share of the machine's CPU time (all cores, 0–1) that was busy over the next `ms` (from /proc/stat). */
export async function cpuBusy(ms = 2000): Promise<number> {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3]! + (f[4] ?? 0); // idle + iowait
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
}

/** A machine with less of its CPU busy than this (over 2 s) is quiet enough to start a benchmark on. */
export const QUIET_BELOW = 0.15;

/**
 * Wait (up to `maxMs`) until the machine is quiet — under QUIET_BELOW of its CPU busy over 2 s — so one
 * benchmark's leftovers (merges, exiting processes) or other work do not weigh on the next. Returns the
 * last reading, which the report prints.
 */
export async function settle(maxMs = 60_000): Promise<{ busy: number; waitedMs: number }> {
  const t0 = Date.now();
  for (;;) {
    const busy = await cpuBusy();
    if (busy < QUIET_BELOW || Date.now() - t0 >= maxMs) return { busy, waitedMs: Date.now() - t0 };
  }
}

export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, ${process.platform} ${process.arch}`;
}

/** Whether the module at `url` (its `import.meta.url`) is the script node was started with. */
export const isMain = (url: string): boolean =>
  !!process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(url);

/** Run `main` when this file is the process entry (`tsx benchmarks/x.ts`): print the section, exit 1 on failures. */
export function runIfMain(url: string, main: (o: BenchOptions) => Promise<Section>): void {
  if (!isMain(url)) return;
  const json = process.argv.indexOf('--json');
  main(parseOptions())
    .then((s) => {
      if (json > 0) {
        writeFileSync(process.argv[json + 1]!, JSON.stringify(s));
      } else {
        console.log(`\n## ${s.title}\n\n${s.markdown}\n`);
        for (const h of s.headlines) console.log(`  ${h}`);
      }
      for (const f of s.failures) console.error(`FAILED: ${f}`);
      process.exit(s.failures.length ? 1 : 0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(2);
    });
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
