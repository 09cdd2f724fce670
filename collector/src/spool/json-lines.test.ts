import { describe, expect, it } from 'vitest';
import { jsonLines } from './json-lines.js';

const back = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('jsonLines', () => {
  it('writes one JSON line per row', () => {
    expect(jsonLines([{ a: 1 }, { b: 'x' }])).toBe('{"a":1}\n{"b":"x"}\n');
  });

  it('leaves empty values out (ClickHouse fills the column default) and keeps every other value as JSON.stringify writes it', () => {
    const row = {
      empty: '', nil: '00000000-0000-0000-0000-000000000000', zero: 0, no: false, map: {}, list: [], nothing: null, undef: undefined,
      s: 'a "quoted" \\ line\nbreak', id: '6f1c2a9e-4b1d-4c6e-9a51-0c2d3e4f5a6b', n: 3, neg: -1.5, yes: true, props: { plan: 'pro', '"k"': 'v' }, arr: [1],
    };
    const line = jsonLines([row]);
    expect(back(line)).toEqual([{ s: row.s, id: row.id, n: 3, neg: -1.5, yes: true, props: row.props, arr: [1] }]);
    expect(line).toBe(`${JSON.stringify({ s: row.s, id: row.id, n: 3, neg: -1.5, yes: true, props: row.props, arr: [1] })}\n`);
    expect(jsonLines([{ a: '' }])).toBe('{}\n');
  });

  it('replaces lone surrogates (high, low, repeated) with U+FFFD and keeps valid pairs and escaped backslashes', () => {
    const rows = [{ s: 'a\ud800b', t: '\udfff', u: '\ud800\ud800', v: 'ok 𝕏 👩‍👩‍👧', w: '\\ud800 is text', m: { k: 'x\udc00' } }];
    expect(back(jsonLines(rows))).toEqual([{ s: 'a\ufffdb', t: '\ufffd', u: '\ufffd\ufffd', v: 'ok 𝕏 👩‍👩‍👧', w: '\\ud800 is text', m: { k: 'x\ufffd' } }]);
  });
});
