/**
 * The 1-event-per-request part of collector-throughput.ts alone, quickly, for work on the request
 * path: (a′) Fastify + the same fsync (baseline-server.ts with a spool) and the collector
 * (`closeloop start --demo`, as the benchmark starts it), alternating runs of the same load; prints
 * each run and the median ratio collector / (a′). More collector builds (`--collector DIR`, a copy
 * of the repository with its own dist/) join the rotation, so before/after compare within one run.
 * `--prof DIR` starts every collector with `node --cpu-prof` and writes its profile there on exit;
 * `--heap-prof DIR` the same with `node --heap-prof` (sampled allocations by call site: what feeds the GC).
 *   npx tsx benchmarks/support/one-per-request.ts [--reps 3] [--seconds 10] [--connections 100]
 *     [--collector DIR]… [--prof DIR] [--heap-prof DIR]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpuSeconds, fmt, freePort, log, median, repoRoot, start, stop, tempDir, tsArgs, waitForHttp } from '../lib.js';
import { collectorArgs, collectorEnv, once, verify, type Measured, type Target } from './collector-runs.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const roots = [repoRoot, ...argv.flatMap((a, i) => (argv[i - 1] === '--collector' ? [path.resolve(a)] : []))];
const dirOf = (flag: string) => (argv.includes(flag) ? path.resolve(argv[argv.indexOf(flag) + 1]!) : undefined);
const cpuProf = dirOf('--prof');
const heapProf = dirOf('--heap-prof');
const prof = cpuProf ?? heapProf;
const profArgs = cpuProf
  ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`]
  : heapProf
    ? ['--heap-prof', `--heap-prof-dir=${heapProf}`]
    : [];
const load = { seconds: opt('--seconds', 10), connections: opt('--connections', 100) };
const reps = opt('--reps', 3);

/**
 * CPU seconds by thread kind of process `pid` (the main thread, libuv's pool, the rest: ClickHouse's),
 * minus `since`; read from /proc/PID/task/TID/stat.
 */
function threadCpu(pid: number, since?: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const kind =
      tid === String(pid)
        ? 'main'
        : comm.startsWith('libuv')
          ? 'libuv'
          : comm.startsWith('V8') || comm === 'node'
            ? 'v8'
            : 'other';
    out.set(kind, (out.get(kind) ?? 0) + (Number(f[11]) + Number(f[12])) / 100);
  }
  out.set('all', cpuSeconds(pid));
  if (since) for (const [k, v] of since) out.set(k, (out.get(k) ?? 0) - v);
  return out;
}

const dataDir = tempDir('closeloop-one-');
const procs: ReturnType<typeof start>[] = [];
try {
  const fport = await freePort();
  const fsyncProc = start(process.execPath, [
    ...profArgs,
    ...tsArgs('benchmarks/support/baseline-server.ts', String(fport), `${dataDir}/a`),
  ]);
  procs.push(fsyncProc);
  const fsyncBase: Target = { name: 'baseline-fsync', url: `http://127.0.0.1:${fport}`, pid: fsyncProc.pid! };
  await waitForHttp(`${fsyncBase.url}/healthz`, 30_000, fsyncProc);
  const collectors: [string, Target][] = [];
  for (const [i, root] of roots.entries()) {
    const port = await freePort();
    const proc = start(process.execPath, [...profArgs, ...collectorArgs(path.join(root, 'bin/closeloop.js'))], {
      cwd: root,
      env: collectorEnv(port, `${dataDir}/c${i}`, {
        CLOSELOOP_SITE_RATE_LIMIT: '0',
        CLOSELOOP_SPOOL_SITE_SHARE: '100',
      }),
    });
    procs.push(proc);
    const t: Target = { name: 'collector', url: `http://127.0.0.1:${port}`, pid: proc.pid! };
    await waitForHttp(`${t.url}/readyz`, 60_000, proc);
    await once(t, 1, { seconds: 5, connections: 50 }); // warm-up (JIT, the first ClickHouse parts)
    collectors.push([i === 0 ? 'collector' : `collector ${path.basename(root)}`, t]);
  }
  const targets: [string, Target][] = [['(a′) fsync baseline', fsyncBase], ...collectors];
  const rps = new Map<string, number[]>(targets.map(([n]) => [n, []]));
  /** Per process: monotonic µs (the clock of V8's profiles) of its runs and their acknowledged requests. */
  const windows: { pid: number; name: string; from: number; to: number; acked: number }[] = [];
  const measured = new Map<string, Measured>(collectors.map(([n]) => [n, { target: 'collector', batch: 1, runs: [] }]));
  for (let r = 0; r < reps; r++) {
    for (const [name, t] of targets) {
      const from = process.hrtime.bigint() / 1000n;
      const threads0 = threadCpu(t.pid);
      const run = await once(t, 1, load);
      const threads = threadCpu(t.pid, threads0);
      const to = Number(process.hrtime.bigint() / 1000n);
      windows.push({ pid: t.pid, name, from: Number(from), to, acked: run.load.acked });
      rps.get(name)!.push(run.load.rps);
      measured.get(name)?.runs.push(run);
      log(
        `${name} rep ${r + 1}/${reps}: ${fmt(run.load.rps)} req/s, server ${fmt(run.cpu, 2)} cores, ` +
          `load ${fmt(run.load.cpu, 2)} cores, p99 ${run.load.p99} ms, ${run.load.non202} non-202; CPU µs per request: ` +
          [...threads].map(([k, v]) => `${k} ${fmt((v * 1e6) / Math.max(1, run.load.acked))}`).join(', '),
      );
    }
  }
  if (prof) {
    mkdirSync(prof, { recursive: true }); // node creates it only when the first profile is written, at exit
    writeFileSync(path.join(prof, 'windows.json'), JSON.stringify(windows));
  }
  const base = median(rps.get(targets[0]![0])!);
  for (const [name, xs] of rps)
    log(`${name}: median ${fmt(median(xs))} req/s = ${((100 * median(xs)) / base).toFixed(0)} % of (a′)`);
  for (const [name, t] of collectors) {
    const v = await verify(t.url, measured.get(name)!);
    log(
      `${name}: exactly-once ${v.failures.length ? `FAILED: ${v.failures.join('; ')}` : 'held'} (${fmt(v.acked)} acked)`,
    );
  }
} finally {
  for (const p of procs) await stop(p, 60_000);
  rmSync(dataDir, { recursive: true, force: true });
}
