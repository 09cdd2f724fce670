import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestMatches, hashSecret, newPublicKey, newSecret, sha256 } from './secret.js';

describe('secrets', () => {
  it('stores a secret as its SHA-256 hex digest and recognizes it by that only', () => {
    const secret = newSecret('sk_');
    expect(secret).toMatch(/^sk_[\w-]{32}$/);
    expect(hashSecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(digestMatches(sha256(secret), hashSecret(secret))).toBe(true);
    expect(digestMatches(sha256(`${secret}x`), hashSecret(secret))).toBe(false);
    expect(digestMatches(sha256(secret), undefined)).toBe(false);
    expect(digestMatches(sha256(secret), hashSecret(secret).slice(2))).toBe(false); // a malformed stored hash never matches
  });

  it('makes a different secret and public key every time', () => {
    expect(new Set(Array.from({ length: 50 }, () => newSecret('at_'))).size).toBe(50);
    expect(newPublicKey()).toMatch(/^pk_[\w-]{20}$/);
    expect(newPublicKey()).not.toBe(newPublicKey());
  });
});
