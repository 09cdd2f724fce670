/**
 * CLI commands find the collector that runs on their data directory by themselves (it records its
 * URL there), and never open a store another live process holds: they stop at once with a message
 * instead of waiting minutes for embedded ClickHouse's lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { PACKAGE_ROOT } from '../base/paths.js';
import { COLLECTOR_FILE, readRecordedCollector, storeHolder } from './running-collector.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `closeloop-${name}-`));

/** `closeloop sql …` as a user types it: no PORT, no CLOSELOOP_URL, no token — only the data directory. */
async function cliSql(dataDir: string, sql: string): Promise<string> {
  const lines: string[] = [];
  await main(['sql', sql], { CLOSELOOP_DATA_DIR: dataDir, CLOSELOOP_LOG_LEVEL: 'warn' }, (l) => lines.push(l));
  return lines.join('\n');
}

async function until<T>(
  what: string,
  probe: () => T | undefined,
  child: ChildProcess,
  stderr: () => string,
): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null) throw new Error(`collector exited ${child.exitCode} before ${what}: ${stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a CLI command and the running collector', () => {
  it('finds the collector on another port through DATA_DIR/collector.json, fails fast while it does not answer, and opens the store only after a clean shutdown', async () => {
    const dataDir = tmp('running');
    // The process entry (as `closeloop start --demo`), on a port the CLI cannot guess (PORT=0).
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'collector/src/app/server.ts')], {
      cwd: PACKAGE_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        CLOSELOOP_DATA_DIR: dataDir,
        CLOSELOOP_DEMO: 'true',
        CLOSELOOP_DEMO_DATA: 'false',
        CLOSELOOP_LOG_LEVEL: 'warn',
        CLOSELOOP_ADMIN_TOKEN: '',
        CLOSELOOP_SHUTDOWN_GRACE_S: '5',
        // The CLI's connections stay open in this process: the shutdown must not wait for them to time out.
        CLOSELOOP_KEEP_ALIVE_TIMEOUT_S: '3600',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const recorded = await until(
      'collector.json',
      () => readRecordedCollector(dataDir),
      child,
      () => stderr,
    );
    expect(recorded.pid).toBe(child.pid);
    expect(recorded.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(recorded.url).not.toBe('http://127.0.0.1:8080');
    // Started without the collector's Node.js flags (base/node-flags.ts): it says which, and how to set them.
    await until(
      'the start lines',
      () => (stdout.includes('  query:') ? true : undefined),
      child,
      () => stderr,
    );
    expect(stdout).toContain('  node flags:  --max-semi-space-size=64 not set: fewer requests/s.');

    // Through the collector (the store is locked by it: opening it here would wait, then fail).
    expect(await cliSql(dataDir, "SELECT 'via collector' AS answer")).toContain('via collector');

    // Alive but not answering (stopped): a clear message at once, no attempt to open the store.
    process.kill(child.pid!, 'SIGSTOP');
    try {
      const err = await cliSql(dataDir, 'SELECT 1').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message).toMatch(
        new RegExp(`\\(process ${child.pid}\\) holds this data directory but does not answer at ${recorded.url}`),
      );
    } finally {
      process.kill(child.pid!, 'SIGCONT');
    }

    // A clean shutdown removes the record; then the command opens the store itself.
    child.kill('SIGTERM');
    await until(
      'exit',
      () => child.exitCode ?? child.signalCode ?? undefined,
      child,
      () => stderr,
    ).catch(() => undefined);
    expect(child.exitCode).toBe(0);
    expect(existsSync(path.join(dataDir, COLLECTOR_FILE))).toBe(false);
    expect(await cliSql(dataDir, "SELECT 'direct' AS answer")).toContain('direct');
  }, 240_000); // a collector process starting and stopping on a loaded 2-core machine

  it('never opens a store that another live process holds: it says which, without waiting for the lock', async () => {
    const dataDir = tmp('held');
    const chdbPath = path.join(dataDir, 'clickhouse');
    mkdirSync(chdbPath, { recursive: true });
    // ClickHouse's status file, as written by a process holding the store (our parent lives).
    writeFileSync(
      path.join(chdbPath, 'status'),
      `PID: ${process.ppid}\nStarted at: 2026-12-03 07:00:00\nRevision: 54513\n`,
    );
    expect(storeHolder(chdbPath)).toBe(process.ppid);
    await expect(cliSql(dataDir, 'SELECT 1')).rejects.toThrow(
      new RegExp(`process ${process.ppid} holds the embedded store in ${chdbPath}`),
    );
    await expect(main(['sites', 'list'], { CLOSELOOP_DATA_DIR: dataDir }, () => {})).rejects.toThrow(
      /holds the embedded store/,
    );
    // A stale status file (its process is gone) or a stale record (crashed collector) blocks nothing.
    writeFileSync(path.join(chdbPath, 'status'), 'PID: 999999999\n');
    writeFileSync(path.join(dataDir, COLLECTOR_FILE), JSON.stringify({ url: 'http://127.0.0.1:1', pid: 999999999 }));
    expect(storeHolder(chdbPath)).toBeUndefined();
    expect(await cliSql(dataDir, "SELECT 'opened' AS answer")).toContain('opened');
    // `sites list` (here on the store itself) heads its columns.
    const env = { CLOSELOOP_DATA_DIR: dataDir, CLOSELOOP_LOG_LEVEL: 'warn' };
    await main(['sites', 'add', 'shop.example.com'], env, () => {});
    const lines: string[] = [];
    await main(['sites', 'list'], env, (l) => lines.push(l));
    expect(lines[0]).toMatch(/^SITE ID\s+PUBLIC KEY\s+RETENTION\s+DOMAINS$/);
    expect(lines.some((l) => /^shop\.example\.com\s+pk_\S+\s+unlimited\s+shop\.example\.com$/.test(l))).toBe(true);
  });
});
