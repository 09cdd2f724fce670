import { describe, expect, it } from 'vitest';
import { cleanProps, clip } from './limits.js';

describe('clip', () => {
  it('keeps short strings and cuts long ones to the limit', () => {
    expect(clip('abc', 5)).toBe('abc');
    expect(clip('x'.repeat(3000), 2048)).toHaveLength(2048);
  });

  it('never leaves half of a surrogate pair', () => {
    const s = 'ab😀cd'; // 😀 is two UTF-16 units at 2..3
    expect(clip(s, 3)).toBe('ab');
    expect(clip(s, 4)).toBe('ab😀');
  });
});

describe('cleanProps', () => {
  it('keeps strings, finite numbers and booleans; drops everything else', () => {
    expect(
      cleanProps({
        plan: 'pro',
        seats: 3,
        trial: false,
        nan: NaN,
        inf: Infinity,
        obj: {},
        arr: [1],
        nul: null,
        und: undefined,
        fn: () => 1,
      }),
    ).toEqual({ plan: 'pro', seats: 3, trial: false });
  });

  it('bounds keys, key length and value length', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(cleanProps(many)!)).toHaveLength(32);
    const p = cleanProps({ ['k'.repeat(100)]: 'v'.repeat(600) })!;
    const [k, v] = Object.entries(p)[0]!;
    expect(k).toHaveLength(64);
    expect(v).toHaveLength(512);
  });

  it('returns undefined when nothing is left', () => {
    expect(cleanProps(undefined)).toBeUndefined();
    expect(cleanProps('x')).toBeUndefined();
    expect(cleanProps({ a: null })).toBeUndefined();
  });
});
