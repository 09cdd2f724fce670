/**
 * zod schemas of the v1 wire contract (sdk/src/protocol.ts). Every string and array is bounded,
 * unknown keys are stripped, and each schema is checked against the protocol type it validates.
 */
import { z } from 'zod';
import { CLICK_IDS, type ClickIdName } from '../../../contract/click-ids.js';
import type {
  ClEvent,
  ConsentEvent,
  CustomEvent,
  EventBatch,
  FormEvent,
  IdentifyEvent,
  PageviewEvent,
  PropValue,
  Touch,
} from '../../../sdk/src/protocol.js';

export const LIMITS = Object.freeze({
  url: 2048,
  title: 512,
  utm: 256,
  clickId: 512,
  eventName: 128,
  propKeys: 32,
  propKey: 64,
  propValue: 512,
  formFields: 50,
  eventsPerBatch: 500,
  siteKey: 128,
  sdkVersion: 32,
});

const MIN_TS = Date.UTC(2020, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);

export const id = z.guid('must be a UUID').transform((s) => s.toLowerCase());
export const timestamp = z
  .number()
  .int('must be whole milliseconds')
  .min(MIN_TS, 'must be ms since epoch after 2020')
  .max(MAX_TS, 'is too far in the future');
export const url = z.string().max(LIMITS.url);
const utm = z.string().max(LIMITS.utm).optional();
const clickId = z.string().max(LIMITS.clickId).optional();

/** One optional key per click id of the contract (contract/click-ids.ts). */
export const clickIds = z.object(
  Object.fromEntries(CLICK_IDS.map((k) => [k, clickId])) as Record<ClickIdName, typeof clickId>,
) satisfies z.ZodType<Partial<Record<ClickIdName, string | undefined>>>;

export const TouchSchema = z.object({
  ts: timestamp,
  referrer: url,
  landing_url: url,
  utm_source: utm,
  utm_medium: utm,
  utm_campaign: utm,
  utm_term: utm,
  utm_content: utm,
  click_ids: clickIds.optional(),
}) satisfies z.ZodType<Touch>;

const base = {
  id,
  ts: timestamp,
  visitor_id: id,
  session_id: id,
  url: url.min(1),
  page_referrer: url.optional(),
  title: z.string().max(LIMITS.title).optional(),
  touch: TouchSchema,
  session_start: z.boolean().optional(),
  first_touch: TouchSchema.optional(),
};

export const propValue = z.union([
  z.string().max(LIMITS.propValue),
  z.number().finite(),
  z.boolean(),
]) satisfies z.ZodType<PropValue>;

const PageviewSchema = z.object({ ...base, type: z.literal('pageview') }) satisfies z.ZodType<PageviewEvent>;
const CustomSchema = z.object({
  ...base,
  type: z.literal('custom'),
  name: z.string().min(1).max(LIMITS.eventName),
  props: z
    .record(z.string().min(1).max(LIMITS.propKey), propValue)
    .refine((p) => Object.keys(p).length <= LIMITS.propKeys, `at most ${LIMITS.propKeys} properties`)
    .optional(),
}) satisfies z.ZodType<CustomEvent>;

export const props = z
  .record(z.string().min(1).max(LIMITS.propKey), propValue)
  .refine((p) => Object.keys(p).length <= LIMITS.propKeys, `at most ${LIMITS.propKeys} properties`);

/** A form's fields: name → value (the SDK leaves sensitive ones out). */
export const formFields = z
  .record(z.string().min(1).max(LIMITS.propKey), z.string().max(LIMITS.propValue))
  .refine((f) => Object.keys(f).length <= LIMITS.formFields, `at most ${LIMITS.formFields} fields`);

const FormSchema = z.object({
  ...base,
  type: z.literal('form'),
  form: z.object({
    id: z.string().max(LIMITS.propKey * 2),
    action: url.optional(),
    fields: formFields,
  }),
  email: z.string().max(254).optional(),
}) satisfies z.ZodType<FormEvent>;

const IdentifySchema = z.object({
  ...base,
  type: z.literal('identify'),
  email: z.string().max(254).optional(),
  user_id: z.string().max(256).optional(),
  traits: props.optional(),
}) satisfies z.ZodType<IdentifyEvent>;

const ConsentSchema = z.object({
  ...base,
  type: z.literal('consent'),
  state: z.enum(['granted', 'denied']),
  policy: z.string().max(LIMITS.propValue).optional(),
}) satisfies z.ZodType<ConsentEvent>;

export const EventSchema = z.discriminatedUnion('type', [
  PageviewSchema,
  CustomSchema,
  FormSchema,
  IdentifySchema,
  ConsentSchema,
]) satisfies z.ZodType<ClEvent>;

export const EventBatchSchema = z.object({
  site: z.string().min(1).max(LIMITS.siteKey),
  sent_at: timestamp.optional(),
  sdk: z.string().max(LIMITS.sdkVersion).optional(),
  events: z
    .array(EventSchema)
    .min(1, 'must hold at least one event')
    .max(LIMITS.eventsPerBatch, `at most ${LIMITS.eventsPerBatch} events per batch`),
}) satisfies z.ZodType<EventBatch>;

export type ValidEventBatch = z.output<typeof EventBatchSchema>;
export type ValidEvent = z.output<typeof EventSchema>;
