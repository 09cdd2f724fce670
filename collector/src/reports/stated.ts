/**
 * Stated source beside the data: for the leads (or customers) of a range who said what brought
 * them — a form field the site names, or the CRM's column — how many said each answer, and the
 * credit one attribution model gives each channel for those same conversions ("said Podcast, data
 * says Organic Search"). Answers are grouped case-insensitively and shown as first written. With
 * filters, only conversions the segment touched (a selected session in the 90 days before) count,
 * and only the selected touches are credited.
 */
import type { StatedRow } from '../../../contract/reports.js';
import {
  attributedTouchesSql,
  CONVERSIONS_IN_RANGE,
  type RuleModel,
  type WindowSettings,
} from '../attribution/models.js';
import type { Db } from '../storage/db.js';
import { statedSourcesSql } from '../storage/stated-sources.js';
import { toClickHouseTime } from '../storage/time.js';
import { filterParams, label, round, sessionFilterSql } from '../scope/filters.js';
import { conversionsSql, type ReportRange } from './overview.js';

export interface StatedQuery extends ReportRange {
  model: RuleModel;
  conversion: 'lead' | 'customer';
  window: WindowSettings;
  sourceFields: string[];
}

export async function statedSourceReport(db: Db, q: StatedQuery) {
  const d = db.database;
  const params = {
    site: q.siteId,
    kinds: [q.conversion],
    from: toClickHouseTime(q.from),
    to: toClickHouseTime(q.to),
    lookback_days: q.window.lookbackDays,
    half_life_days: q.window.halfLifeDays,
    model: q.model,
    source_fields: q.sourceFields,
    ...filterParams(q.filters),
  };
  const [said, credited, all] = await Promise.all([
    db.query<{ k: string; answer: string; conversions: string }>(
      `SELECT lower(s.source) AS k, min(s.source) AS answer, count() AS conversions
       FROM (${conversionsSql(d, q, CONVERSIONS_IN_RANGE)}) AS c
       INNER JOIN (${statedSourcesSql(d)}) AS s ON s.person_id = c.person_id
       GROUP BY k`,
      params,
    ),
    db.query<{ k: string; channel: string; credit: number }>(
      `SELECT lower(s.source) AS k, a.channel AS channel, sum(a.{model:Identifier}) AS credit
       FROM (SELECT * FROM (${attributedTouchesSql({ database: d, filtered: true })}) WHERE ${sessionFilterSql(q.filters, d)}) AS a
       INNER JOIN (${statedSourcesSql(d)}) AS s ON s.person_id = a.person_id
       GROUP BY k, channel`,
      params,
    ),
    db.query<{ n: string }>(`SELECT count() AS n FROM (${conversionsSql(d, q, CONVERSIONS_IN_RANGE)})`, params),
  ]);
  const rows: StatedRow[] = said
    .map((s) => {
      const channels = credited
        .filter((c) => c.k === s.k && c.credit > 0)
        .map((c) => ({ channel: label(c.channel), credit: round.credit(Number(c.credit)) }))
        .sort((a, b) => b.credit - a.credit || a.channel.localeCompare(b.channel));
      return { key: s.answer, stated: Number(s.conversions), channels, top_channel: channels[0]?.channel ?? null };
    })
    .sort((a, b) => b.stated - a.stated || a.key.localeCompare(b.key));
  const stated = rows.reduce((a, r) => a + r.stated, 0);
  return {
    model: q.model,
    conversion: q.conversion,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    total: { conversions: Number(all[0]?.n ?? 0), stated },
    rows,
  };
}
