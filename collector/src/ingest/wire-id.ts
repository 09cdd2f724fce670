/**
 * Wire format 2's compact ids (sdk/src/ids.ts `wireId`): a visitor or session UUID sent as its 16
 * bytes in base64 without padding — 22 characters instead of 36; base64url's `-` and `_` are read
 * too. Pure functions, no state: every collector expands the same characters to the same UUID.
 * Wire format 1 and 36-character UUIDs in v2 are read as before.
 */

/**
 * 22 base64 characters whose last one carries no bits beyond the 128 (its low 4 bits zero: A, Q, g
 * or w), so each UUID has exactly one compact form.
 */
export const WIRE_ID = /^[\w+/-]{21}[AQgw]$/;

/** The UUID (lowercase 8-4-4-4-12 hex) a compact id stands for. */
export function expandWireId(compact: string): string {
  const h = Buffer.from(compact, 'base64').toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The compact form of a UUID (what the SDK sends). */
export const compactWireId = (uuid: string): string =>
  Buffer.from(uuid.replace(/-/g, ''), 'hex').toString('base64').slice(0, 22);
