import { afterEach, describe, expect, it, vi } from 'vitest';
import { webcrypto } from 'node:crypto';
import { isUuid, uuid } from './ids.js';
import { NIL } from './consent.js';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => vi.unstubAllGlobals());

describe('uuid', () => {
  it('makes lowercase v4 UUIDs from getRandomValues, also where randomUUID is missing (insecure contexts)', () => {
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => webcrypto.getRandomValues(a) });
    const ids = new Set(Array.from({ length: 1000 }, uuid));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(V4);
  });
});

describe('isUuid', () => {
  it('accepts lowercase 8-4-4-4-12 hex only', () => {
    expect(isUuid('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isUuid('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(false);
    expect(isUuid('0f8fad5b-d9cb-469f-a165-70867728950')).toBe(false);
    expect(isUuid(undefined)).toBe(false);
    expect(isUuid('x; other=1')).toBe(false);
  });

  it('takes the zero UUID (events without identifier), made from the shape of a v4 UUID', () => {
    expect(NIL).toBe('00000000-0000-0000-0000-000000000000');
    expect(isUuid(NIL)).toBe(true);
  });
});
