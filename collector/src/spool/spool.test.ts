import { appendFileSync, mkdtempSync, readdirSync, truncateSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Drainer } from './drain.js';
import { segmentName } from './segment.js';
import { Spool, type Pending } from './spool.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'closeloop-spool-'));
const line = (i: number) => Buffer.from(`{"i":${i}}\n`);
const open = (dir: string, over: Partial<{ maxBytes: number; siteMaxBytes: number; segmentBytes: number }> = {}) =>
  Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16, ...over });

/** A fake ClickHouse: records inserts, fails while `down`. */
function store() {
  const inserts: { token: string; body: string }[] = [];
  const s = { down: false, inserts, rows: () => inserts.flatMap((x) => x.body.trim().split('\n')) };
  const insert = async (_t: string, records: readonly Buffer[], token: string) => {
    if (s.down) throw new Error('connect ECONNREFUSED');
    inserts.push({ token, body: Buffer.concat(records).toString() });
  };
  return { s, insert };
}
const drainer = (
  spool: Spool,
  insert: (t: string, records: readonly Buffer[], k: string, format: string) => Promise<void>,
  deadLetter = async (_r: Pending, _reason: string) => {},
) => new Drainer(spool, { maxRows: 1000, intervalMs: 1, insert, deadLetter, maxBackoffMs: 5 });

describe('Spool', () => {
  it('makes appends durable with one write per group, and replays what ClickHouse has not confirmed', async () => {
    const dir = tmp();
    const a = await open(dir);
    await Promise.all(Array.from({ length: 50 }, (_, i) => a.append('events', line(i))));
    expect(a.pending.length).toBe(50);
    expect(new Set(a.pending.map((r) => r.seq)).size).toBe(1);
    await a.ack(a.pending.slice(0, 20));
    await a.close();
    const b = await open(dir);
    expect(b.pending.map((r) => r.body.toString())).toEqual(
      Array.from({ length: 30 }, (_, i) => line(i + 20).toString()),
    );
    await b.close();
  });

  it('confirms the oldest records in one step: the rest stay pending in order and counted; any other batch is refused and changes nothing', async () => {
    const a = await open(tmp(), { maxBytes: 1 << 24 });
    await Promise.all(Array.from({ length: 5000 }, (_, i) => a.append('events', line(i), i % 2 ? 'site-b' : 'site-a')));
    const bytes = a.pendingBytes;
    const before = [...a.pending];
    expect(() => a.confirm(before.slice(1, 100))).toThrow('spool: acknowledged out of order');
    expect(() => a.confirm([before[0]!, before[2]!])).toThrow('spool: acknowledged out of order');
    expect(a.pending).toEqual(before); // a refused batch takes nothing out
    expect(a.pendingBytes).toBe(bytes);
    a.confirm(before.slice(0, 3000));
    expect(a.pending).toEqual(before.slice(3000));
    expect(a.pending[0]!.body.toString()).toBe(line(3000).toString());
    const left = before.slice(3000).reduce((n, r) => n + (r.end - r.start), 0);
    expect(a.pendingBytes).toBe(left);
    expect(a.bytesOf('site-a') + a.bytesOf('site-b')).toBe(left);
    await a.close();
  });

  it('skips a torn last record (a crash mid-write) and keeps the intact ones', async () => {
    const dir = tmp();
    const a = await open(dir);
    for (let i = 0; i < 3; i++) await a.append('events', line(i));
    await a.close();
    const seg = path.join(dir, segmentName(1));
    truncateSync(seg, statSync(seg).size - 3);
    appendFileSync(path.join(dir, segmentName(1)), Buffer.from([1, 2]));
    const b = await open(dir);
    expect(b.pending.map((r) => r.body.toString())).toEqual([line(0).toString(), line(1).toString()]);
    await b.append('events', line(9));
    await b.close();
    const c = await open(dir);
    expect(c.pending.map((r) => r.body.toString())).toEqual([line(0), line(1), line(9)].map(String));
    await c.close();
  });

  it('gives each site its share: a flooding site is refused with CL_SITE_SPOOL_FULL, others still fit; the shares survive a replay', async () => {
    const dir = tmp();
    const row = (site: string) => Buffer.from(`{"site_id":"${site}","x":"${'x'.repeat(80)}"}\n`);
    const a = await open(dir, { maxBytes: 4000, siteMaxBytes: 1000 });
    let flooded = 0;
    for (let i = 0; i < 30; i++) {
      const ok = await a.append('events', row('flood'), 'flood').then(
        () => true,
        (e: { code: string; headers: object }) => {
          expect(e).toMatchObject({ code: 'CL_SITE_SPOOL_FULL', headers: { 'retry-after': '30' } });
          return false;
        },
      );
      if (ok) flooded++;
    }
    expect(flooded).toBeGreaterThan(5);
    expect(a.bytesOf('flood')).toBeLessThanOrEqual(1000);
    expect(a.full).toBe(false); // one site at its share: the spool still takes others
    for (let i = 0; i < 5; i++) await a.append('events', row('quiet'), 'quiet');
    expect(a.bytesOf('quiet')).toBeGreaterThan(0);
    await a.close();
    // Replayed: each record's site is read back from its rows, so the shares hold after a restart.
    const b = await open(dir, { maxBytes: 4000, siteMaxBytes: 1000 });
    expect(b.bytesOf('flood')).toBe(a.bytesOf('flood'));
    expect(b.bytesOf('quiet')).toBe(a.bytesOf('quiet'));
    await expect(b.append('events', row('flood'), 'flood')).rejects.toMatchObject({ code: 'CL_SITE_SPOOL_FULL' });
    await b.append('events', row('quiet'), 'quiet');
    // Confirmed records give the site its room back.
    await b.ack(b.pending.filter((_, i, all) => i < all.findIndex((r) => r.owner === 'quiet')));
    expect(b.bytesOf('flood')).toBe(0);
    await b.append('events', row('flood'), 'flood');
    await b.close();
  });

  it('refuses appends beyond the cap with CL_SPOOL_FULL and Retry-After', async () => {
    const a = await open(tmp(), { maxBytes: 200 });
    await a.append('events', Buffer.from(`${'x'.repeat(100)}\n`));
    await expect(a.append('events', Buffer.from(`${'x'.repeat(100)}\n`))).rejects.toMatchObject({
      code: 'CL_SPOOL_FULL',
      headers: { 'retry-after': '30' },
    });
    await a.close();
  });

  it('rotates segments and deletes them once all their records are confirmed', async () => {
    const dir = tmp();
    const a = await open(dir, { segmentBytes: 256 });
    for (let i = 0; i < 40; i++) await a.append('events', line(i));
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg')).length).toBeGreaterThan(3);
    const { s, insert } = store();
    const d = drainer(a, insert);
    d.start();
    expect(await d.idle(5000)).toBe(true);
    expect(s.rows()).toEqual(Array.from({ length: 40 }, (_, i) => line(i).toString().trim()));
    await d.close(100);
    expect(readdirSync(dir).filter((f) => f.endsWith('.seg')).length).toBe(1); // the active one
    await a.close();
  });
});

describe('Drainer', () => {
  it('retries while storage is down, and a replay re-sends the in-flight batch with the same token', async () => {
    const dir = tmp();
    const a = await open(dir);
    for (let i = 0; i < 5; i++) await a.append('events', line(i));
    const { s, insert } = store();
    s.down = true;
    const d = drainer(a, insert);
    d.start();
    await vi.waitFor(() => expect(d.lastError).toMatch(/ECONNREFUSED/), { timeout: 10_000, interval: 10 });
    await d.close(0);
    await a.close();
    // "Crash" after the insert landed but before it was confirmed: the next start re-sends the same batch and token.
    const b = await open(dir);
    const inflight = b.replayInflight!;
    expect(inflight).toMatchObject({ seq: 1, start: 0 });
    s.down = false;
    const tokens: string[] = [];
    const d2 = drainer(b, async (t, body, token) => {
      tokens.push(token);
      await insert(t, body, token);
    });
    for (let i = 5; i < 8; i++) await b.append('events', line(i));
    d2.start();
    expect(await d2.idle(5000)).toBe(true);
    expect(tokens[0]).toBe(`${b.id}-${inflight.seq}-${inflight.start}-${inflight.end}`);
    expect(s.inserts[0]!.body.trim().split('\n')).toHaveLength(5); // exactly the batch that was in flight, not more
    expect(s.rows()).toEqual(Array.from({ length: 8 }, (_, i) => line(i).toString().trim()));
    await d2.close(0);
    await b.close();
  });

  it('writes the checkpoint once per insert: a crash before the next write re-sends the confirmed batch with its token, never another', async () => {
    const dir = tmp();
    const a = await open(dir);
    for (let i = 0; i < 6; i++) await a.append('events', line(i));
    const first = a.pending.slice(0, 2);
    const second = a.pending.slice(2, 5);
    await a.markInflight(first);
    a.confirm(first); // inserted and confirmed; no checkpoint write of its own
    // "Crash" now (no close): the restart re-sends exactly the first batch, with the token it had.
    const b = await open(dir);
    expect(b.replayInflight).toMatchObject({ seq: first[0]!.seq, start: first[0]!.start, end: first[1]!.end });
    expect(b.pending.map((r) => r.body.toString())).toEqual(Array.from({ length: 6 }, (_, i) => line(i).toString()));
    expect(b.tokenOf(b.pending.slice(0, 2))).toBe(a.tokenOf(first));
    // The next batch's in-flight mark records the confirmation with it: a crash after it re-sends only that batch.
    await a.markInflight(second);
    const c = await open(dir);
    expect(c.replayInflight).toMatchObject({ seq: second[0]!.seq, start: second[0]!.start, end: second[2]!.end });
    expect(c.pending.map((r) => r.body.toString())).toEqual(
      Array.from({ length: 4 }, (_, i) => line(i + 2).toString()),
    );
    // A fake ClickHouse that drops a token it has seen: every row once, across both restarts.
    const seen = new Set<string>();
    const rows: string[] = [];
    const dedup = async (_t: string, records: readonly Buffer[], token: string) => {
      if (!seen.has(token)) rows.push(...Buffer.concat(records).toString().trim().split('\n'));
      seen.add(token);
    };
    for (const r of [first, second])
      await dedup(
        'events',
        r.map((x) => x.body),
        a.tokenOf(r),
      );
    const d = drainer(c, dedup);
    d.start();
    expect(await d.idle(5000)).toBe(true);
    await d.close(0);
    await c.close();
    expect(rows).toEqual(Array.from({ length: 6 }, (_, i) => line(i).toString().trim()));
    const e = await open(dir);
    expect(e.pending).toEqual([]); // the drainer wrote its last confirmation once nothing was pending
    for (const s of [a, b, e]) await s.close();
  });

  it('inserts at most once per interval, counted from the start of the previous one: no idle gap after a slow insert', async () => {
    const a = await open(tmp());
    // The store's insert times, in order: two slow ones (longer than the interval), then fast ones.
    const takes = [900, 900, 10, 10];
    const inserts: { start: number; end: number }[] = [];
    const d = new Drainer(a, {
      maxRows: 1000,
      intervalMs: 600,
      deadLetter: async () => {},
      insert: async () => {
        const start = performance.now();
        await new Promise((r) => setTimeout(r, takes[inserts.length] ?? 10));
        inserts.push({ start, end: performance.now() });
      },
    });
    let i = 0;
    const traffic = setInterval(() => void a.append('events', line(i++)), 20);
    d.start();
    await vi.waitFor(() => expect(inserts.length).toBeGreaterThanOrEqual(takes.length), { timeout: 10_000 });
    clearInterval(traffic);
    await d.close(5000);
    await a.close();
    for (let k = 1; k < takes.length; k++) {
      const [prev, next] = [inserts[k - 1]!, inserts[k]!];
      // Never more than one per interval (less a margin: the in-flight mark's fsync runs between the drainer's clock and the store's)
      expect(next.start - prev.start).toBeGreaterThanOrEqual(500);
      // After a slow insert the next starts at once (it used to wait the whole interval more); after a fast one, rows gather.
      if (takes[k - 1]! > 600) expect(next.start - prev.end).toBeLessThan(300);
      else expect(next.start - prev.end).toBeGreaterThan(500);
    }
  });

  it('puts rows ClickHouse refuses as data into the dead letters and goes on', async () => {
    const a = await open(tmp());
    await a.append('events', line(1));
    await a.append('events', Buffer.from('{"bad":true}\n'));
    await a.append('events', line(3));
    const stored: string[] = [];
    const dead: string[] = [];
    const d = drainer(
      a,
      async (_t, records) => {
        const body = Buffer.concat(records);
        if (body.includes('bad'))
          throw new Error('Code: 27. DB::Exception: Cannot parse input: CANNOT_PARSE_INPUT_ASSERTION_FAILED');
        stored.push(...body.toString().trim().split('\n'));
      },
      async (r, reason) => {
        dead.push(`${r.body.toString().trim()} ${reason.slice(0, 9)}`);
      },
    );
    d.start();
    expect(await d.idle(5000)).toBe(true);
    expect(stored.sort()).toEqual(['{"i":1}', '{"i":3}']);
    expect(dead).toEqual(['{"bad":true} Code: 27.']);
    await d.close(0);
    await a.close();
  });

  it('gives every spool its own deduplication tokens (several collectors, one ClickHouse), kept across restarts', async () => {
    const [dirA, dirB] = [tmp(), tmp()];
    const [a, b] = [await open(dirA), await open(dirB)];
    for (const s of [a, b]) await s.append('events', line(1));
    // Same segment, same offsets, different spools: different tokens.
    expect(a.pending[0]).toMatchObject({ seq: b.pending[0]!.seq, start: b.pending[0]!.start, end: b.pending[0]!.end });
    expect(a.tokenOf(a.pending)).not.toBe(b.tokenOf(b.pending));
    const token = a.tokenOf(a.pending);
    await a.close();
    await b.close();
    const again = await open(dirA);
    expect(again.tokenOf(again.pending)).toBe(token);
    await again.close();
  });

  it('keeps the old tokens for the segments of a spool made before spool ids, so their replay still deduplicates', async () => {
    const dir = tmp();
    const a = await open(dir);
    await a.append('events', line(1));
    await a.close();
    unlinkSync(path.join(dir, 'spool-id.json')); // as a spool written by an older version
    const b = await open(dir);
    const old = b.pending[0]!;
    expect(b.tokenOf([old])).toBe(`${old.seq}-${old.start}-${old.end}`);
    await b.append('events', line(2));
    const fresh = b.pending.at(-1)!;
    expect(fresh.seq).toBeGreaterThan(old.seq);
    expect(b.tokenOf([fresh])).toBe(`${b.id}-${fresh.seq}-${fresh.start}-${fresh.end}`);
    await b.close();
  });
});

describe('binary records', () => {
  it('keep their format, row count and owner across a replay, and a drain batch never mixes formats', async () => {
    const dir = tmp();
    const a = await open(dir);
    const bin = (n: number) => Buffer.from(Array.from({ length: n * 3 }, (_, i) => (i * 7) % 256)); // any bytes, newlines included
    await a.append('events', line(1), 'site-a');
    await a.append('events', bin(4), 'site-b', { id: 'RowBinary.0123456789abcdef', rows: 4 });
    await a.append('events', bin(2), 'site-b', { id: 'RowBinary.0123456789abcdef', rows: 2 });
    await a.append('events', line(2), 'site-a');
    await a.close();
    const b = await open(dir);
    expect(b.pending.map((r) => [r.format, r.rows, r.owner])).toEqual([
      ['', 1, ''], // a JSON record's owner is read from its rows (these have no site_id)
      ['RowBinary.0123456789abcdef', 4, 'site-b'],
      ['RowBinary.0123456789abcdef', 2, 'site-b'],
      ['', 1, ''],
    ]);
    expect(b.pending[1]!.body).toEqual(bin(4));
    expect(b.bytesOf('site-b')).toBe(b.pending[1]!.end - b.pending[1]!.start + b.pending[2]!.end - b.pending[2]!.start);
    const batches: [string, number[]][] = [];
    const d = drainer(b, async (_t, records, _token, format) => {
      batches.push([format, records.map((r) => r.length)]);
    });
    d.start();
    expect(await d.idle(5000)).toBe(true);
    expect(batches).toEqual([
      ['', [line(1).length]],
      ['RowBinary.0123456789abcdef', [bin(4).length, bin(2).length]], // each record its own buffer, in order
      ['', [line(2).length]],
    ]);
    await d.close(0);
    await b.close();
  });
});
