import { describe, expect, it } from 'vitest';
import { jsonLines } from './json-lines.js';

const back = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('jsonLines', () => {
  it('writes one JSON line per row', () => {
    expect(jsonLines([{ a: 1 }, { b: 'x' }])).toBe('{"a":1}\n{"b":"x"}\n');
  });

  it('replaces lone surrogates (high, low, repeated) with U+FFFD and keeps valid pairs and escaped backslashes', () => {
    const rows = [
      { s: 'a\ud800b', t: '\udfff', u: '\ud800\ud800', v: 'ok 𝕏 👩‍👩‍👧', w: '\\ud800 is text', m: { k: 'x\udc00' } },
    ];
    expect(back(jsonLines(rows))).toEqual([
      { s: 'a\ufffdb', t: '\ufffd', u: '\ufffd\ufffd', v: 'ok 𝕏 👩‍👩‍👧', w: '\\ud800 is text', m: { k: 'x\ufffd' } },
    ]);
  });
});
