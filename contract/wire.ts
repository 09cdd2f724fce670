/**
 * What tells the wire formats of `POST /v1/events` apart (their types: sdk/src/protocol.ts): a batch
 * is version 3 when it is an array whose first element is 3, version 2 when its `v` is 2; anything
 * else is read as version 1. Version 3 is version 2 with the fields every event has by position:
 * {@link fromV3} turns it into the version 2 object it stands for, then validated and decoded as such.
 */
export const isV2 = (body: unknown): boolean => (body as { v?: unknown } | null | undefined)?.v === 2;

/**
 * A v3 batch `[3, k, t, d, [[y, i, t, v, s, u, h, {…}], …]]` (the batch's `t` in base 36) as the v2 object `{ v: 2, k, t, d, e:
 * [{ …, y, i, t, v, s, u, h }] }`: an event's 7th position is its title `h` (an engagement's `g`,
 * engagement having no title), its 8th the object of its other v2 fields; `null` is left out.
 * Anything else is returned unchanged. Never throws: what is not well-formed stays so for the v2
 * schema to refuse.
 */
export function fromV3(body: unknown): unknown {
  if (!Array.isArray(body) || body[0] !== 3) return body;
  const [, k, t, d, e] = body as unknown[];
  const names = ['y', 'i', 't', 'v', 's', 'u'];
  const event = (a: unknown) => {
    if (!Array.isArray(a)) return a;
    const rest: unknown = a[7];
    const out: Record<string, unknown> = rest && typeof rest == 'object' && !Array.isArray(rest) ? { ...rest } : {};
    [...names, a[0] == 'e' ? 'g' : 'h'].forEach((n, i) => (a[i] == null ? delete out[n] : (out[n] = a[i])));
    return out;
  };
  // The sent time: ms since the epoch in base 36 (as the SDK sends it), or a number.
  const ms = typeof t == 'string' && /^[\da-z]{1,11}$/.test(t) ? parseInt(t, 36) : t;
  return { v: 2, k, t: ms, d: d ?? undefined, e: Array.isArray(e) ? e.map(event) : e };
}
