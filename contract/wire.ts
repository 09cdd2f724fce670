/**
 * What tells the wire formats of `POST /v1/events` apart (their types: sdk/src/protocol.ts): a batch
 * is version 2 when its `v` is 2; anything else is read as version 1.
 */
export const isV2 = (body: unknown): boolean => (body as { v?: unknown } | null | undefined)?.v === 2;
