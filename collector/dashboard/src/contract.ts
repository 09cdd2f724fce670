/**
 * The report API's answers, as types only: what the collector's report, attribution and lead
 * routes send and what the dashboard reads. One definition for both sides (as sdk/src/protocol.ts
 * is for events): the collector imports these types, so a changed answer fails the build of the
 * side that was not updated. No code here: the dashboard's build emits nothing for it.
 */

export interface Totals {
  visitors: number;
  sessions: number;
  pageviews: number;
  leads: number;
  customers: number;
  revenue: number;
}

/** One calendar day (UTC) of the overview series. */
export interface DayPoint extends Totals {
  day: string;
}

export interface Overview {
  from: string;
  to: string;
  totals: Totals;
  series: DayPoint[];
}

export interface FunnelRow {
  channel: string;
  visitors: number;
  leads: number;
  customers: number;
  /** leads / visitors and customers / leads; null when dividing by zero. */
  lead_rate: number | null;
  customer_rate: number | null;
}

export interface RoiRow {
  key: string;
  cost: number;
  leads: number;
  customers: number;
  revenue: number;
  /** null when there is no spend, or nothing to divide by. */
  cost_per_lead: number | null;
  cac: number | null;
  roas: number | null;
  roi: number | null;
}

export interface RoiTotal {
  cost: number;
  leads: number;
  customers: number;
  revenue: number;
  roas: number | null;
  roi: number | null;
}

/** Attributed conversions (fractions) and value (revenue for `revenue`, else the same as conversions). */
export interface Credit {
  conversions: number;
  value: number;
}

export interface LeadTimeline {
  person_id: string;
  email: string;
  user_id: string;
  stage: string;
  lead_at: string | null;
  customer_at: string | null;
  revenue: number;
  currency: string;
  visitors: { visitor_id: string; identified_at: string }[];
  touches: Record<string, unknown>[];
  forms: Record<string, unknown>[];
  stages: Record<string, unknown>[];
  deals: Record<string, unknown>[];
}
