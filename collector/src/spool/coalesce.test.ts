/**
 * The Coalescer on its own: what is added during one turn of the event loop is handed on once per
 * key, a collection that reaches its row limit is handed on at once, and each caller's promise
 * settles as the hand-off settles its member.
 */
import { describe, expect, it } from 'vitest';
import { Coalescer, type Member } from './coalesce.js';

function collect(maxRows = 100) {
  const handed: { key: string; rows: number[] }[] = [];
  const members: Member<number>[][] = [];
  const c = new Coalescer<number>((key, m) => {
    handed.push({ key, rows: m.flatMap((x) => x.rows) });
    members.push([...m]);
  }, maxRows);
  return { c, handed, members };
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('Coalescer', () => {
  it('hands on one collection per key per turn of the event loop, in the order added', async () => {
    const { c, handed } = collect();
    void c.add('a', [1]);
    void c.add('b', [2]);
    void c.add('a', [3, 4]);
    expect(handed).toEqual([]); // nothing before the loop's turn ends
    await nextTurn();
    expect(handed).toEqual([
      { key: 'a', rows: [1, 3, 4] },
      { key: 'b', rows: [2] },
    ]);
    void c.add('a', [5]);
    await nextTurn();
    expect(handed.at(-1)).toEqual({ key: 'a', rows: [5] });
  });

  it('hands a collection on as soon as it reaches the row limit', () => {
    const { c, handed } = collect(3);
    void c.add('a', [1, 2]);
    void c.add('a', [3]);
    expect(handed).toEqual([{ key: 'a', rows: [1, 2, 3] }]);
    void c.add('a', [4]);
    expect(handed).toHaveLength(1);
  });

  it("settles each caller's promise as the hand-off settles its member", async () => {
    const { c, members } = collect();
    const ok = c.add('a', [1]);
    const refused = c.add('a', [2]);
    await nextTurn();
    const [first, second] = members[0]!;
    first!.resolve();
    second!.reject(new Error('spool full'));
    await expect(ok).resolves.toBeUndefined();
    await expect(refused).rejects.toThrow('spool full');
  });

  it('refuses the collection whose hand-off throws, and hands on the other keys', async () => {
    const handed: string[] = [];
    const c = new Coalescer<number>((key, members) => {
      if (key === 'bad') throw new Error('encoder broke');
      handed.push(key);
      members.forEach((m) => m.resolve());
    }, 100);
    const bad = [c.add('bad', [1]), c.add('bad', [2])];
    const good = c.add('good', [3]);
    for (const p of bad) await expect(p).rejects.toThrow('encoder broke');
    await expect(good).resolves.toBeUndefined();
    expect(handed).toEqual(['good']);
  });
});
