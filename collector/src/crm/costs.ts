/**
 * Marketing costs: spend per day for a campaign (source / medium / campaign), idempotent on that
 * key — sending a day again replaces its amount. The channel comes from the same rules as a
 * session's (a `cpc` medium from google is Paid Search …).
 */
import { z } from 'zod';
import { classifyChannel } from '../ingest/channel.js';
import type { Db } from '../storage/db.js';
import { costKey, existingCostKeys, insertCosts, type CostRow } from '../storage/costs.js';
import { toClickHouseTime } from '../storage/time.js';

export const CostSchema = z.object({
  date: z.iso.date({ message: 'must be a date (YYYY-MM-DD)' }),
  source: z.string().trim().min(1, 'is required').max(256),
  medium: z.string().trim().max(256).default(''),
  campaign: z.string().trim().max(256).default(''),
  amount: z.number().finite().min(0).max(1e15),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR'),
});
export type Cost = z.output<typeof CostSchema>;

export interface CostsResult {
  received: number;
  created: number;
  updated: number;
}

export async function recordCosts(
  db: Db,
  siteId: string,
  costs: readonly Cost[],
  now = Date.now(),
): Promise<CostsResult> {
  const rows: CostRow[] = costs.map((c) => {
    // Normalized as sessions' source and medium are, so that spend and credit meet.
    const touch = classifyChannel({
      referrer: '',
      landing_url: '',
      utm_source: c.source,
      utm_medium: c.medium,
      utm_campaign: c.campaign,
    });
    return {
      site_id: siteId,
      day: c.date,
      channel: touch.channel,
      source: touch.source,
      medium: touch.medium,
      campaign: c.campaign,
      amount: c.amount.toFixed(2),
      currency: c.currency,
      updated_at: toClickHouseTime(now),
      version: now,
    };
  });
  const existing = await existingCostKeys(db, siteId, rows);
  await insertCosts(db, rows);
  const updated = rows.filter((r) => existing.has(costKey(r))).length;
  return { received: rows.length, created: rows.length - updated, updated };
}
