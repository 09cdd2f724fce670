/** Random ids: UUID v4, lowercase, 8-4-4-4-12 hex. */

export const isUuid = (v: unknown): v is string =>
  typeof v == 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v);

/** `crypto.randomUUID()` where available (secure contexts only), else built from `getRandomValues`. */
export function uuid(): string {
  const c = crypto;
  return c.randomUUID
    ? c.randomUUID()
    : // 1 → random hex digit, 4 stays (version), 8 → 8..b (variant 10xx), 0 → random hex digit
      '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (d) =>
        (+d ^ (c.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+d / 4)))).toString(16),
      );
}
