/**
 * Keeps the benchmarks from rotting: `npm run bench -- --quick` end to end (every benchmark at
 * small size, in its own process, against the dist/ that `npm test` has just built). Asserts that
 * each benchmark produced figures and that the collector stored every acknowledged event exactly
 * once — never a timing: this machine is shared, and timings belong in benchmarks/RESULTS.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { repoRoot, type Section } from './lib.js';

const dir = mkdtempSync(path.join(tmpdir(), 'closeloop-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const committed = path.join(repoRoot, 'benchmarks', 'RESULTS.md');
const mtime = (f: string) => (existsSync(f) ? statSync(f).mtimeMs : 0);

function quickRun(ms: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'benchmarks/run.ts', '--quick', '--no-build'], {
      cwd: repoRoot,
      env: { ...process.env, CLOSELOOP_BENCH_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // SIGTERM: the runner stops its benchmark, which stops its collector and browser.
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

test('npm run bench -- --quick measures every benchmark, and the collector keeps every acknowledged event exactly once', async () => {
  const before = mtime(committed);
  const { code, output } = await quickRun(300_000); // a guard against a hang (~50 s alone, more beside the browser specs)
  expect(code, output.slice(-4000)).toBe(0);

  const section = (name: string): Section =>
    JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as Section;
  for (const name of ['sdk-size', 'sdk-page-cost', 'collector-throughput', 'attribution-scale']) {
    const s = section(name);
    expect(s.failures, name).toEqual([]);
    expect(s.headlines.join(' '), name).toMatch(/\d/);
    expect(s.markdown, name).toMatch(/\| --- \|/); // a table of figures
  }
  const throughput = section('collector-throughput');
  expect(throughput.markdown.match(/events acknowledged, [\d,]+ distinct stored in [\d,]+ rows — ok/g)).toHaveLength(4);
  expect(throughput.markdown).toMatch(/ClickHouse server process, batch 20: [\d,]+ events acknowledged/); // (d): CLICKHOUSE_URL, store in another process
  expect(throughput.headlines[0]).toContain('exactly-once held');
  expect(section('attribution-scale').markdown).toMatch(/\| markov \| [\d,]+ \| [\d,]+ \|/); // every model ran, at each size

  const report = readFileSync(path.join(dir, 'RESULTS.quick.md'), 'utf8');
  expect(report).toContain('## Headlines');
  expect(mtime(committed), 'a quick run never touches the committed results').toBe(before);
}, 310_000);
