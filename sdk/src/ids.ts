/** Random ids: UUID v4, lowercase, 8-4-4-4-12 hex. */

/** Whether `v` is a lowercase 8-4-4-4-12 hex UUID (the collector refuses other ids). */
export const isUuid = (v: unknown): v is string => /^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/.test(v as string);

/** A UUID v4's shape, filled in by {@link uuid}; its digits made `0`, the zero UUID (consent.ts `NIL`). */
export const UUID_SHAPE = '10000000-1000-4000-8000-100000000000';

/**
 * From `crypto.getRandomValues`, which (unlike `crypto.randomUUID`) also exists on plain-http pages:
 * 1 → random hex digit, 4 stays (version), 8 → 8..b (variant 10xx), 0 → random hex digit.
 */
export const uuid = (): string =>
  UUID_SHAPE.replace(/[018]/g, (d) =>
    (+d ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+d / 4)))).toString(16),
  );

/**
 * A UUID as it travels in wire format 2: its 16 bytes in base64 without the padding, 22 characters
 * instead of 36 (standard alphabet: `+` and `/` need no escaping in JSON, and leaving out base64url's
 * mapping keeps cl.core.js within its budget). The collector expands it back to the same UUID
 * (collector/src/ingest/wire-id.ts).
 */
export const wireId = (id: string): string =>
  // parseInt stops at the dash after a byte's two digits
  btoa(id.replace(/..-?/g, (h) => String.fromCharCode(parseInt(h, 16)))).slice(0, 22);
