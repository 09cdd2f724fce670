/**
 * What the upgrade tests (collector/src/storage/upgrade*.test.ts) compare before and after a rewrite of `events`: every
 * attribution answer and each event with its touch, on the seeded traffic of benchmarks/support/traffic.ts.
 */
import { SITE } from '../../benchmarks/support/traffic.js';
import { compareModels } from '../../collector/src/attribution/report.js';
import { roiReport } from '../../collector/src/attribution/roi.js';
import { CONVERSIONS, DEFAULT_WINDOW } from '../../collector/src/attribution/models.js';
import type { Db } from '../../collector/src/storage/db.js';
import { TOUCH_COLUMNS } from '../../collector/src/storage/events-layout.js';

/** Events of the seeded store: enough leads and customers to tell answers apart. */
export const UPGRADE_EVENTS = 24_000;
const SCOPE = { siteId: SITE, from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 6, 1), window: DEFAULT_WINDOW };

/** Every model's credit for every conversion kind by two dimensions, and the ROI report under two models. */
export async function answers(db: Db): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const conversion of CONVERSIONS) {
    for (const groupBy of ['campaign', 'landing_page'] as const) {
      out[`${conversion} by ${groupBy}`] = await compareModels(db, { ...SCOPE, conversion, groupBy });
    }
  }
  for (const model of ['linear', 'markov'] as const)
    out[`roi ${model}`] = await roiReport(db, { ...SCOPE, model, groupBy: 'campaign', timeZone: 'UTC' });
  return out;
}

/** Each event with its touch, in a fixed order (a table that has it on the row, or the view `events_with_touch`). */
export function eventsWithTouch(db: Db, table: string): Promise<Record<string, string>[]> {
  return db.query<Record<string, string>>(
    `SELECT toString(visitor_id) AS v, toString(session_id) AS s, toString(ts) AS t, type, url, path, ${TOUCH_COLUMNS.join(', ')}
     FROM ${db.database}.${table} FINAL ORDER BY v, t, type, url`,
  );
}
