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
  /** The site's time zone: the series' days are its calendar days. */
  time_zone: string;
  totals: Totals;
  series: DayPoint[];
}

export interface FunnelRow {
  channel: string;
  /** Visitors whose first session in the range came through this channel. */
  visitors: number;
  /** People who became leads in the range whose earliest session in it came through this channel. */
  leads: number;
  /** Those leads who became customers before the range ended. */
  customers: number;
  /** leads / visitors and customers / leads (never above 1); null when dividing by zero. */
  lead_rate: number | null;
  customer_rate: number | null;
}

export interface Funnel {
  from: string;
  to: string;
  rows: FunnelRow[];
  /** Leads of the range without a session in it (CRM imports, visits before the range), and how many became customers. */
  without_visit: { leads: number; customers: number };
}

/** The ROI report's figures, for one key (`RoiRow`) or all of them (`RoiTotal`). */
export interface RoiTotal {
  /** Visitors and sessions whose session started in the range with this touch value. */
  visitors: number;
  sessions: number;
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

export interface RoiRow extends RoiTotal {
  key: string;
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

/** A landing page: entrances in the range, conversions whose converting session landed there, and those it assisted. */
export interface PageRow {
  page: string;
  entrances: number;
  leads: number;
  customers: number;
  /** leads / entrances; null without entrances. */
  lead_rate: number | null;
  /** Conversions with an earlier session (in the lookback window) that landed here, the converting one elsewhere. */
  assisted_leads: number;
  assisted_customers: number;
}

/** Pages viewed in converting sessions, entry to conversion, as one sequence. */
export interface PathRow {
  /** The pages joined with " → ". */
  path: string;
  pages: string[];
  conversions: number;
  /** Sessions of the range that viewed the same pages in the same order from their entry. */
  sessions: number;
  /** conversions / sessions; null without sessions. */
  conversion_rate: number | null;
}

/** One stated source (as the leads wrote it): how many said it, and the model's credit per channel for the same conversions. */
export interface StatedRow {
  key: string;
  /** Conversions of the range whose person gave this answer. */
  stated: number;
  channels: { channel: string; credit: number }[];
  /** The channel the model credits most for them; null when none of their conversions has a touch in the filters. */
  top_channel: string | null;
}
