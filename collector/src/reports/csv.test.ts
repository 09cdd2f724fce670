import { describe, expect, it } from 'vitest';
import { parseCsv } from '../cli/csv.js';
import { csvCell, toCsv } from './csv.js';

describe('CSV export', () => {
  it('neutralizes cells a spreadsheet would run as formulas', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd']) {
      expect(csvCell(evil)).toBe(`"'${evil.replace(/"/g, '""')}"`);
    }
    expect(csvCell('spring sale')).toBe('"spring sale"');
    expect(csvCell(-0.25)).toBe('-0.25'); // a number stays a number
    expect(csvCell(null)).toBe('');
  });

  it('quotes commas, quotes and line breaks so the file reads back as written', () => {
    const text = toCsv(
      ['key', 'n'],
      [
        ['a, "b"\nc', 1],
        ['(none)', null],
        ['=1+1', -3],
      ],
    );
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text).map((r) => r.fields)).toEqual([
      ['key', 'n'],
      ['a, "b"\nc', '1'],
      ['(none)', ''],
      ["'=1+1", '-3'],
    ]);
  });
});
