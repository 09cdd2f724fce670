/**
 * Crash: the collector runs as a child process (real embedded ClickHouse), clients send under
 * load, and the process is killed with SIGKILL — no shutdown, no flush. After a restart on the same
 * data directory, every event that was acknowledged (202) is stored, and none twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClEvent } from '../../../sdk/src/protocol.js';
import { PACKAGE_ROOT } from '../base/paths.js';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview } from './test-support.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `node --import tsx collector/src/app/server.ts`: the real process entry, from source (no build needed). */
async function startCollector(port: number): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'collector/src/app/server.ts')], {
    cwd: PACKAGE_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CLOSELOOP_DATA_DIR: dataDir,
      CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
      CLOSELOOP_DEMO: 'true',
      CLOSELOOP_LOG_LEVEL: 'warn',
      CLOSELOOP_INSERT_INTERVAL_MS: '20',
      CLOSELOOP_RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited ${child.exitCode}: ${stderr}`);
    if (Date.now() > until) throw new Error(`collector did not start: ${stderr}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { child, base };
    await new Promise((r) => setTimeout(r, 100));
  }
}

const send = (base: string, events: ClEvent[]) =>
  fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
    body: JSON.stringify(batch(events)),
  });

describe('crash', () => {
  it('SIGKILL under load loses no acknowledged event and duplicates none', async () => {
    const port = await freePort();
    const first = await startCollector(port);
    const acked: string[] = [];
    let stop = false;
    const clients = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const events = Array.from({ length: 10 }, () => pageview());
        const res = await send(first.base, events).catch(() => undefined);
        if (!res) return; // the process is gone: this request was never acknowledged
        if (res.status === 202) acked.push(...events.map((e) => e.id));
      }
    });
    // Kill once the load is under way (a loaded machine can take seconds for the first answers), not after a fixed time.
    const loaded = Date.now() + 40_000;
    while (acked.length <= 500 && Date.now() < loaded) await new Promise((r) => setTimeout(r, 50));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    await new Promise<void>((r) =>
      first.child.exitCode !== null || first.child.signalCode !== null ? r() : first.child.once('exit', () => r()),
    );
    expect(acked.length).toBeGreaterThan(100);

    const second = await startCollector(port);
    const until = Date.now() + 30_000;
    for (;;) {
      const ready = (await (await fetch(`${second.base}/readyz`)).json()) as { spool: { pending_rows: number } };
      if (ready.spool.pending_rows === 0) break;
      if (Date.now() > until) throw new Error(`spool not drained: ${JSON.stringify(ready)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch(`${second.base}/v1/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      // The last day's rows (every event sent here, and that day's demo data): a merge zeroes the ids of
      // rows over a week old that identify no one (storage/events-layout.ts), such as older demo data.
      body: JSON.stringify({
        sql: 'SELECT toString(event_id) AS id, count() AS n FROM events WHERE ts > now() - INTERVAL 1 DAY GROUP BY event_id',
      }),
    });
    expect(res.status).toBe(200);
    const rows = ((await res.json()) as { rows: { id: string; n: string }[] }).rows;
    const stored = new Map(rows.map((r) => [r.id, Number(r.n)]));
    const missing = acked.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    expect(rows.filter((r) => Number(r.n) > 1)).toEqual([]);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    expect(second.child.exitCode).toBe(0);
  }, 150_000); // two starts (≤ 30 s each), the load (≤ 40 s) and the drain (≤ 30 s) on a loaded machine
});
