import { describe, expect, it } from 'vitest';
import { BatchWriter } from './batch-writer.js';

function recorder(failures = 0) {
  const calls: { rows: number[]; token: string }[] = [];
  let toFail = failures;
  const insert = async (rows: number[], token: string) => {
    calls.push({ rows: [...rows], token });
    await new Promise((r) => setTimeout(r, 5));
    if (toFail-- > 0) throw new Error('storage down');
  };
  return { calls, insert };
}

describe('BatchWriter', () => {
  it('gathers concurrent writes into one insert and resolves each after it', async () => {
    const { calls, insert } = recorder();
    const w = new BatchWriter(insert, { maxRows: 1000, intervalMs: 20 });
    await Promise.all([w.write([1, 2]), w.write([3]), w.write([4, 5, 6])]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.rows).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never puts more than maxRows in one insert, and never splits a request', async () => {
    const { calls, insert } = recorder();
    const w = new BatchWriter(insert, { maxRows: 4, intervalMs: 10 });
    await Promise.all([w.write([1, 2, 3]), w.write([4, 5]), w.write([6]), w.write([7, 8, 9, 10, 11])]);
    expect(calls.map((c) => c.rows)).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9, 10, 11]]);
  });

  it('retries a failed insert with the same deduplication token', async () => {
    const { calls, insert } = recorder(2);
    const w = new BatchWriter(insert, { maxRows: 100, intervalMs: 0, attempts: 3, backoffMs: () => 1 });
    await w.write([1]);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.token)).size).toBe(1);
  });

  it('rejects the callers when every attempt fails, and keeps working afterwards', async () => {
    const { calls, insert } = recorder(2);
    const w = new BatchWriter(insert, { maxRows: 100, intervalMs: 0, attempts: 2, backoffMs: () => 1 });
    await expect(w.write([1])).rejects.toThrow('storage down');
    await w.write([2]);
    expect(calls.at(-1)!.rows).toEqual([2]);
    expect(calls.at(-1)!.token).not.toBe(calls[0]!.token);
  });

  it('close() writes what is queued and then refuses writes', async () => {
    const { calls, insert } = recorder();
    const w = new BatchWriter(insert, { maxRows: 100, intervalMs: 10_000 });
    const p = w.write([1, 2]);
    await w.close();
    await p;
    expect(calls[0]!.rows).toEqual([1, 2]);
    await expect(w.write([3])).rejects.toThrow('closed');
  });
});
