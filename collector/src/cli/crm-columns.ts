/**
 * How CRM and ad platform export columns and values map onto conversions and costs: header names
 * that HubSpot, Salesforce, Pipedrive, ad platforms and plain spreadsheets use, overridable with
 * `--map field=Header`; stage names; amounts written with thousands separators; dates.
 */
import type { Stage } from '../storage/stages.js';

export const CONVERSION_FIELDS = [
  'record_id',
  'email',
  'user_id',
  'visitor_id',
  'stage',
  'amount',
  'currency',
  'ts',
  'stated_source',
] as const;
export type ConversionField = (typeof CONVERSION_FIELDS)[number];

export const CONVERSION_HEADERS: Record<ConversionField, string[]> = {
  record_id: ['record id', 'id', 'deal id', 'opportunity id', 'record', 'hs object id', 'crm id'],
  email: [
    'email',
    'e-mail',
    'email address',
    'contact email',
    'associated contact email',
    'primary contact email',
    'person email',
  ],
  user_id: ['user id', 'external id', 'customer id'],
  visitor_id: ['visitor id', 'closeloop visitor id'],
  stage: ['stage', 'deal stage', 'dealstage', 'status', 'lifecycle stage', 'lifecyclestage', 'opportunity stage'],
  amount: ['amount', 'deal amount', 'value', 'deal value', 'opportunity amount', 'revenue'],
  currency: ['currency', 'deal currency', 'currency code', 'deal currency code', 'currencyisocode'],
  ts: ['ts', 'date', 'close date', 'closedate', 'closed at', 'won time', 'time', 'changed at', 'stage date'],
  // Self-reported attribution ("How did you hear about us?"); not HubSpot's "Original Source", which is tracked data.
  stated_source: [
    'stated source',
    'how did you hear about us',
    'how did you hear about us?',
    'how did you hear',
    'heard about us',
    'self reported source',
    'self reported attribution',
    'referred by',
  ],
};

/** Ad platform exports (Google Ads, Meta, LinkedIn …) or a spreadsheet of spend per day and campaign. */
export const COST_FIELDS = ['date', 'source', 'medium', 'campaign', 'amount', 'currency'] as const;
export type CostField = (typeof COST_FIELDS)[number];

export const COST_HEADERS: Record<CostField, string[]> = {
  date: ['day', 'date', 'reporting starts', 'start date'],
  source: ['source', 'utm source', 'platform', 'network'],
  medium: ['medium', 'utm medium'],
  campaign: ['campaign', 'utm campaign', 'campaign name'],
  amount: ['cost', 'spend', 'amount', 'amount spent', 'amount spent (eur)', 'amount spent (usd)', 'total spent'],
  currency: ['currency', 'currency code'],
};

const norm = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s_\-.]+/g, ' ');

/** Column index per field, from explicit `mapping` first, then the known header names. */
export function mapColumns<F extends string>(
  header: string[],
  mapping: Partial<Record<F, string>>,
  headers: Record<F, string[]>,
): Partial<Record<F, number>> {
  const normalized = header.map(norm);
  const out: Partial<Record<F, number>> = {};
  for (const field of Object.keys(headers) as F[]) {
    const wanted = mapping[field];
    const i =
      wanted !== undefined
        ? normalized.indexOf(norm(wanted))
        : normalized.findIndex((h) => h === norm(field) || headers[field].includes(h));
    if (wanted !== undefined && i < 0)
      throw new Error(`--map ${field}=${wanted}: the file has no column '${wanted}' (columns: ${header.join(', ')})`);
    if (i >= 0) out[field] = i;
  }
  return out;
}

const STAGE_WORDS: Record<string, Stage> = {
  lead: 'lead',
  subscriber: 'lead',
  new: 'lead',
  mql: 'mql',
  marketingqualifiedlead: 'mql',
  sql: 'sql',
  salesqualifiedlead: 'sql',
  opportunity: 'opportunity',
  open: 'opportunity',
  appointmentscheduled: 'opportunity',
  qualifiedtobuy: 'opportunity',
  presentationscheduled: 'opportunity',
  decisionmakerboughtin: 'opportunity',
  contractsent: 'opportunity',
  negotiation: 'opportunity',
  proposal: 'opportunity',
  customer: 'customer',
  won: 'customer',
  closedwon: 'customer',
  win: 'customer',
  lost: 'lost',
  closedlost: 'lost',
};

/** A CRM stage name as one of ours, or undefined. */
export function stageOf(value: string): Stage | undefined {
  return STAGE_WORDS[
    value
      .trim()
      .toLowerCase()
      .replace(/[\s_\-]+/g, '')
  ];
}

/** '1,200.50', '1.200,50', '€ 1 200', '1200' → a number; NaN when it is not an amount. */
export function amountOf(value: string): number {
  let v = value.trim().replace(/[^\d.,-]/g, '');
  if (!/\d/.test(v)) return NaN;
  const lastComma = v.lastIndexOf(',');
  const lastDot = v.lastIndexOf('.');
  if (lastComma > lastDot) {
    // '1.200,50' or '1200,5' → comma is the decimal point, unless it groups thousands ('1,200').
    v = /,\d{3}$/.test(v) && lastDot < 0 ? v.replace(/,/g, '') : v.replace(/\./g, '').replace(',', '.');
  } else {
    v = v.replace(/,/g, '');
  }
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
}

/** An ISO date/time or ms since epoch → ms; NaN otherwise (US/EU d/m/y forms are ambiguous: refused). */
export function timeOf(value: string): number {
  const v = value.trim();
  if (/^\d{12,14}$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return Date.parse(`${v}T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(v)) {
    const iso = v.replace(' ', 'T');
    return Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
  }
  return NaN;
}
