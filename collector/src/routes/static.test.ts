import { describe, expect, it } from 'vitest';
import { pickEncoding } from './static.js';

describe('pickEncoding (the SDK bundles)', () => {
  it('prefers brotli, then gzip, among the accepted encodings', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip, deflate')).toBe('gzip');
    expect(pickEncoding('GZIP')).toBe('gzip');
    expect(pickEncoding('deflate')).toBe('identity');
  });

  it('honours q-values: q=0 refuses, * accepts what is not named', () => {
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0')).toBe('identity');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('*, br;q=0')).toBe('gzip');
    expect(pickEncoding('br;q=abc')).toBe('identity');
  });

  it('sends the file as it is without a header or with identity only', () => {
    expect(pickEncoding(undefined)).toBe('identity');
    expect(pickEncoding('')).toBe('identity');
    expect(pickEncoding('identity')).toBe('identity');
  });
});
