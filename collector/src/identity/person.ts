/**
 * A person's id is derived, not allocated: the same site and normalized email (or site-supplied
 * user id) always give the same UUID, on any device, with no lookup, lock or update. Email wins
 * over user id when both are known, so a form fill and a CRM deal with that email meet.
 */
import { createHash } from 'node:crypto';

/** Trimmed and lower-cased; `null` when it does not look like an email address. */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@"<>(),;:]+@[^\s@"<>(),;:]+\.[^\s@"<>(),;:.]{2,}$/.test(email)) return null;
  return email;
}

export function normalizeUserId(raw: string): string | null {
  const id = raw.trim();
  return id.length > 0 && id.length <= 256 ? id : null;
}

export type PersonKey = { email: string } | { userId: string };

/** The person key for what is known: a valid email first, else a user id, else none. */
export function personKey(email?: string | null, userId?: string | null): PersonKey | null {
  const e = email ? normalizeEmail(email) : null;
  if (e) return { email: e };
  const u = userId ? normalizeUserId(userId) : null;
  return u ? { userId: u } : null;
}

/** UUID (version 8, RFC 9562 "custom") from SHA-256 of site + key. */
export function personId(siteId: string, key: PersonKey): string {
  const material = 'email' in key ? `email:${key.email}` : `user:${key.userId}`;
  const h = createHash('sha256').update(`${siteId}\u0000${material}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8
  h[8] = (h[8]! & 0x3f) | 0x80; // variant 10xx
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
