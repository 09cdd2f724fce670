/** The test server's text helpers: parameter values as clickhouse-js writes them. */
import { describe, expect, it } from 'vitest';
import { bindParams, isSessionStatement, parseArrayLiteral, trailingFormat, unescapeText } from './sql.js';

describe('bindParams', () => {
  it("undoes clickhouse-js's escaping of scalars, typed by the placeholder", () => {
    // What @clickhouse/client 1.23 sends for that string (formatQueryParams: \t, \n, \', \\).
    const sent = "tab\\there, \\'quote\\', back\\\\slash,\\nnewline";
    const s = "tab\there, 'quote', back\\slash,\nnewline";
    expect(bindParams('SELECT {s:String}, {n:Nullable(String)}', { s: sent, n: sent })).toEqual({ s, n: s });
    expect(unescapeText('a\\\\b\\tc')).toBe('a\\b\tc');
  });

  it('parses array literals back into values (strings with quotes and escapes, numbers, NULL, nesting)', () => {
    const value = ["x'y", 'back\\slash', 'tab\t', ''];
    expect(bindParams('SELECT {a:Array(String)}', { a: "['x\\'y', 'back\\\\slash', 'tab\\t', '']" })).toEqual({
      a: value,
    });
    expect(parseArrayLiteral('[1, -2.5, NULL]')).toEqual([1, -2.5, null]);
    expect(parseArrayLiteral("[['a'], []]")).toEqual([['a'], []]);
    expect(parseArrayLiteral("['unterminated")).toBe("['unterminated"); // left to the engine to refuse
  });

  it('leaves no params alone', () => {
    expect(bindParams('SELECT 1', {})).toBeUndefined();
  });
});

describe('statement shapes', () => {
  it('finds the trailing FORMAT and the statements that only change a session', () => {
    expect(trailingFormat('SELECT 1\nFORMAT JSONEachRow')).toBe('JSONEachRow');
    expect(trailingFormat('INSERT INTO t SETTINGS a = 1 FORMAT JSONEachRow')).toBe('JSONEachRow');
    expect(trailingFormat('SELECT 1')).toBeUndefined();
    expect(isSessionStatement('  set readonly = 1')).toBe(true);
    expect(isSessionStatement('USE db')).toBe(true);
    expect(isSessionStatement('SELECT 1')).toBe(false);
  });
});
