/**
 * The two-slot checkpoint (checkpoint.ts): the newest intact slot wins, a write torn by a crash
 * leaves the checkpoint before it, and a spool with an earlier release's checkpoint.json resumes from it.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointFile } from './checkpoint.js';
import { Spool } from './spool.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'closeloop-checkpoint-'));

describe('checkpoint file', () => {
  it('reads back the newest of its writes, which alternate between two slots of a file that never grows', async () => {
    const dir = tmp();
    const a = await CheckpointFile.open(dir);
    expect(a.last).toBeUndefined();
    for (let i = 1; i <= 5; i++)
      await a.write({ seq: 1, offset: i * 10, inflight: { seq: 1, start: i * 10, end: 99 } });
    await a.close();
    expect(readFileSync(path.join(dir, 'checkpoint.bin')).length).toBe(1024);
    const b = await CheckpointFile.open(dir);
    expect(b.last).toEqual({ seq: 1, offset: 50, inflight: { seq: 1, start: 50, end: 99 } });
    await b.write({ seq: 2, offset: 0 });
    await b.close();
    expect((await CheckpointFile.open(dir)).last).toEqual({ seq: 2, offset: 0 });
  });

  it('falls back to the checkpoint before a torn write (its slot fails the CRC)', async () => {
    const dir = tmp();
    const a = await CheckpointFile.open(dir);
    await a.write({ seq: 3, offset: 100 }); // generation 1: slot 1
    await a.write({ seq: 3, offset: 200 }); // generation 2: slot 0
    await a.close();
    const file = path.join(dir, 'checkpoint.bin');
    const bytes = readFileSync(file);
    bytes[30] = bytes[30]! ^ 0xff; // the newest slot's JSON, as a crash mid-write could leave it
    writeFileSync(file, bytes);
    expect((await CheckpointFile.open(dir)).last).toEqual({ seq: 3, offset: 100 });
    bytes.fill(0, 512, 1024); // and with no intact slot: no checkpoint
    writeFileSync(file, bytes);
    expect((await CheckpointFile.open(dir)).last).toBeUndefined();
  });

  it("resumes a spool from an earlier release's checkpoint.json and replaces it at the first write", async () => {
    const dir = tmp();
    const first = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16 });
    for (let i = 0; i < 4; i++) await first.append('events', Buffer.from(`{"i":${i}}\n`));
    const { seq, end } = first.pending[1]!;
    await first.close();
    // As the earlier release left it: its checkpoint.json past the first two records, no checkpoint.bin.
    writeFileSync(path.join(dir, 'checkpoint.json'), JSON.stringify({ seq, offset: end }));
    const bin = readFileSync(path.join(dir, 'checkpoint.bin'));
    writeFileSync(path.join(dir, 'checkpoint.bin'), Buffer.alloc(bin.length)); // no slot written
    const s = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16 });
    expect(s.pending.map((r) => r.body.toString())).toEqual(['{"i":2}\n', '{"i":3}\n']);
    await s.ack(s.pending.slice(0, 1));
    expect(existsSync(path.join(dir, 'checkpoint.json'))).toBe(false);
    await s.close();
    const again = await Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16 });
    expect(again.pending.map((r) => r.body.toString())).toEqual(['{"i":3}\n']);
    await again.close();
  });
});
