/**
 * zod schemas of wire format 2 (sdk/src/protocol.ts, `EventBatchV2`): the same bounds as v1
 * (schema.ts), each schema checked against the protocol type it validates. A batch is v2 when its
 * `v` is 2; anything else is read as v1.
 */
import { z } from 'zod';
import type {
  ClEventV2,
  ConsentEventV2,
  CustomEventV2,
  EngagementEventV2,
  EventBatchV2,
  FirstTouchV2,
  FormEventV2,
  IdentifyEventV2,
  PageviewEventV2,
  TouchV2,
} from '../../../sdk/src/protocol.js';
import { LIMITS, TouchSchema, formFields, id, props, timestamp, url } from './schema.js';
import { WIRE_ID, expandWireId } from './wire-id.js';

/** An event may be this much older than its batch (outboxes kept offline; the clock correction clamps older ones). */
const MAX_AGE_MS = 400 * 86_400_000;

const TouchV2Schema = z.object({ r: url.optional(), l: url.optional() }) satisfies z.ZodType<TouchV2>;
const FirstTouchV2Schema = z.object({ t: timestamp, r: url, l: url }) satisfies z.ZodType<FirstTouchV2>;

/** A visitor or session id: a UUID, or its 22-character compact form (wire-id.ts), expanded to the UUID. */
const wireUuid = z.union([
  id,
  z.string().regex(WIRE_ID, 'must be a UUID or its 22 base64 characters').transform(expandWireId).pipe(id),
]);

const base = {
  // The event's number in its session (sdk/src/session.ts; taken modulo 2³²), or a random id.
  i: z.union([
    z
      .number()
      .int('must be a whole number')
      .min(-(2 ** 53), 'is too small')
      .max(2 ** 53, 'is too large'),
    z.string().regex(/^[\da-f]{12,32}$/, 'must be 12 to 32 lowercase hex digits'),
  ]),
  t: z
    .number()
    .int('must be whole milliseconds')
    .min(-60_000, 'must not be after the batch')
    .max(MAX_AGE_MS, 'is too old'),
  v: wireUuid,
  s: wireUuid,
  u: url.min(1),
  r: url.optional(),
  h: z.string().max(LIMITS.title).optional(),
  o: TouchV2Schema.optional(),
  // An SDK upgraded from 0.1 may still hold the visitor's first touch in the v1 shape.
  f: z.union([FirstTouchV2Schema, TouchSchema]).optional(),
};

const name = z.string().min(1).max(LIMITS.eventName);

export const EventV2Schema = z.discriminatedUnion('y', [
  z.object({ ...base, y: z.literal('p') }) satisfies z.ZodType<PageviewEventV2>,
  z.object({ ...base, y: z.literal('c'), n: name, p: props.optional() }) satisfies z.ZodType<CustomEventV2>,
  z.object({
    ...base,
    y: z.literal('f'),
    n: z.string().max(LIMITS.propKey * 2),
    a: url.optional(),
    p: formFields,
    m: z.string().max(254).optional(),
  }) satisfies z.ZodType<FormEventV2>,
  z.object({
    ...base,
    y: z.literal('i'),
    m: z.string().max(254).optional(),
    w: z.string().max(256).optional(),
    p: props.optional(),
  }) satisfies z.ZodType<IdentifyEventV2>,
  z.object({
    ...base,
    y: z.literal('k'),
    n: z.enum(['granted', 'denied']),
    a: z.string().max(LIMITS.propValue).optional(),
  }) satisfies z.ZodType<ConsentEventV2>,
  z.object({
    ...base,
    y: z.literal('e'),
    g: z.number().int('must be whole milliseconds').min(0).max(MAX_AGE_MS, 'is too long'),
  }) satisfies z.ZodType<EngagementEventV2>,
]) satisfies z.ZodType<ClEventV2>;

export const EventBatchV2Schema = z.object({
  v: z.literal(2),
  k: z.string().min(1).max(LIMITS.siteKey),
  t: timestamp,
  d: z.string().max(LIMITS.sdkVersion).optional(),
  e: z
    .array(EventV2Schema)
    .min(1, 'must hold at least one event')
    .max(LIMITS.eventsPerBatch, `at most ${LIMITS.eventsPerBatch} events per batch`),
}) satisfies z.ZodType<EventBatchV2>;

export type ValidEventBatchV2 = z.output<typeof EventBatchV2Schema>;
export type ValidEventV2 = z.output<typeof EventV2Schema>;

/** Whether a request body is a v2 batch (then validated by {@link EventBatchV2Schema}; else read as v1). */
export { isV2 } from '../../../contract/wire.js';
