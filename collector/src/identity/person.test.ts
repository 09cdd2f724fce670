import { describe, expect, it } from 'vitest';
import { normalizeEmail, personId, personKey } from './person.js';

describe('person identity', () => {
  it('normalizes emails by trimming and lower-casing, and refuses non-emails', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
    expect(normalizeEmail('ada+news@example.co.uk')).toBe('ada+news@example.co.uk');
    for (const bad of [
      '',
      'ada',
      'ada@',
      '@example.com',
      'ada@example',
      'a b@example.com',
      'x'.repeat(250) + '@example.com',
    ]) {
      expect(normalizeEmail(bad), bad).toBeNull();
    }
  });

  it('derives the same person id for the same site and email on any device, different ones otherwise', () => {
    const a = personId('shop.example.com', { email: 'ada@example.com' });
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(personId('shop.example.com', personKey(' ADA@example.com ')!)).toBe(a);
    expect(personId('other.example.com', { email: 'ada@example.com' })).not.toBe(a);
    expect(personId('shop.example.com', { userId: 'ada@example.com' })).not.toBe(a);
  });

  it('prefers a valid email over a user id', () => {
    expect(personKey('ada@example.com', 'u-1')).toEqual({ email: 'ada@example.com' });
    expect(personKey('not-an-email', 'u-1')).toEqual({ userId: 'u-1' });
    expect(personKey('', '  ')).toBeNull();
  });
});
