/** Random ids: UUID v4, lowercase, 8-4-4-4-12 hex. */

/** Whether `v` is a lowercase 8-4-4-4-12 hex UUID (the collector refuses other ids). */
export const isUuid = (v: unknown): v is string => /^[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/.test(v as string);

/**
 * From `crypto.getRandomValues`, which (unlike `crypto.randomUUID`) also exists on plain-http pages:
 * 1 → random hex digit, 4 stays (version), 8 → 8..b (variant 10xx), 0 → random hex digit.
 */
export const uuid = (): string =>
  '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (d) => (+d ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+d / 4)))).toString(16));
