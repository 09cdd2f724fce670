import type { PropValue } from './protocol.js';

/** Collector-side bounds (collector/src/ingest/schema.ts); the SDK truncates to stay within them (touches: tighter, touch.ts). */
export const MAX_URL = 2048;
export const MAX_TITLE = 512;
export const MAX_NAME = 128;
export const MAX_PROPS = 32;
export const MAX_PROP_KEY = 64;
export const MAX_PROP_VALUE = 512;
export const MAX_EMAIL = 254;

/**
 * Cuts `s` to at most `n` UTF-16 units without leaving half of a surrogate pair behind: a high
 * surrogate (0xD800–0xDBFF, the only code units with `c >> 10 == 54`) as the last kept unit goes too.
 */
export const clip = (s: string, n: number): string => s.slice(0, s.charCodeAt(n - 1) >> 10 == 54 ? n - 1 : n);

/**
 * Keeps what the collector accepts from user-supplied props: up to 32 non-empty keys (cut to 64
 * chars), each with a value that is a string (cut to 512 chars), a finite number or a boolean.
 */
export function cleanProps(props: unknown): Record<string, PropValue> | undefined {
  let out: Record<string, PropValue> | undefined;
  let n = 0;
  if (typeof props == 'object')
    for (const k in props) {
      const v = (props as Record<string, PropValue>)[k]!;
      const t = typeof v;
      if (n < MAX_PROPS && k && (t == 'string' || t == 'boolean' || Number.isFinite(v)))
        (((out ||= {})[clip(k, MAX_PROP_KEY)] = t == 'string' ? clip(v as string, MAX_PROP_VALUE) : v), n++);
    }
  return out;
}
