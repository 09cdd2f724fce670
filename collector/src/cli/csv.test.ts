import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv } from './csv.js';

describe('CSV', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM, with start lines', () => {
    const text = '\uFEFFid,name,note\r\n1,"Ada, Countess","said ""hi"""\r\n2,Bob,"two\nlines"\n3,,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['id', 'name', 'note'] },
      { line: 2, fields: ['1', 'Ada, Countess', 'said "hi"'] },
      { line: 3, fields: ['2', 'Bob', 'two\nlines'] },
      { line: 5, fields: ['3', '', ''] },
    ]);
  });

  it('gives the same records however the text is split into chunks', () => {
    const text = 'a,b\n"x ""q"" y",2\n"multi\nline",3\nlast,4';
    const whole = parseCsv(text);
    for (let size = 1; size < 8; size++) {
      const p = new CsvParser();
      const records = [];
      for (let i = 0; i < text.length; i += size) records.push(...p.feed(text.slice(i, i + size)));
      records.push(...p.end());
      expect(records, `chunk size ${size}`).toEqual(whole);
    }
  });

  it('supports other delimiters and skips blank lines', () => {
    expect(parseCsv('a;b\n\n1;2\n', ';')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
    ]);
  });
});
