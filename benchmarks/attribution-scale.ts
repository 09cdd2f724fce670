/**
 * Attribution at scale on embedded ClickHouse (chDB, in this process), on the collector's own
 * schema and with its own attribution code: seeded traffic (support/traffic.ts) grown to each size,
 * then for every model of collector/src/attribution (`attribution()`, as GET /v1/attribution runs
 * it) and for the ROI report (`roiReport()`, GET /v1/attribution/roi): query time (median of N),
 * peak RSS of this process during the query (VmHWM, reset before each query — chDB has no
 * system.query_log), and stored bytes per event (system.parts).
 *   npx tsx benchmarks/attribution-scale.ts [--quick]
 */
import { rmSync } from 'node:fs';
import { ALL_MODELS, DEFAULT_WINDOW, type Model } from '../collector/src/attribution/models.js';
import { attribution, type AttributionQuery } from '../collector/src/attribution/report.js';
import { roiReport } from '../collector/src/attribution/roi.js';
import { loadConfig } from '../collector/src/base/config.js';
import { openDb, type Db } from '../collector/src/storage/db.js';
import { migrate } from '../collector/src/schema/migrations.js';
import {
  fmt,
  log,
  median,
  memory,
  resetPeak,
  runIfMain,
  table,
  tempDir,
  type BenchOptions,
  type Section,
} from './lib.js';
import { lineChart } from './support/svg.js';
import { costsInsert, crmInserts, eventsInsert, SITE } from './support/traffic.js';

/** What a marketer asks first: leads per campaign, all of the generated period, default 90-day window. */
const QUERY: Omit<AttributionQuery, 'model'> = {
  siteId: SITE,
  conversion: 'lead',
  groupBy: 'campaign',
  from: Date.UTC(2026, 0, 1),
  to: Date.UTC(2026, 6, 1),
  window: DEFAULT_WINDOW,
};
const ROI = 'ROI report (linear: leads, customers, revenue + costs)';
const NAMES = [...ALL_MODELS, ROI] as const;

interface Timed {
  ms: number;
  peak: number;
  rows: number;
  credited: number;
  total: number;
}
interface Point {
  events: number;
  loadSeconds: number;
  optimizeSeconds: number;
  bytesInserted: number;
  bytesMerged: number;
  parts: number;
  sessionsBytes: number;
  conversions: Record<string, number>;
  runs: Timed[];
}

async function grow(db: Db, from: number, to: number): Promise<number> {
  const t0 = performance.now();
  const step = 2_000_000;
  for (let n = from; n < to; n += step) {
    const c = Math.min(step, to - n);
    await db.command(eventsInsert(db.database, n, c));
    for (const sql of crmInserts(db.database, n, c)) await db.command(sql);
    log(`attribution: loaded ${fmt((n + c) / 1e6, 2)}M events`);
  }
  return (performance.now() - t0) / 1000;
}

/** Bytes on disk per event: of `events`, and of `sessions` (the attribution touches kept beside them) per event. */
async function bytesPerEvent(db: Db): Promise<{ bpe: number; parts: number; sessionsBpe: number }> {
  const [d] = await db.query<{ rows: string; bytes: string; parts: string; session_bytes: string }>(
    `SELECT sumIf(rows, table = 'events') AS rows, sumIf(bytes_on_disk, table = 'events') AS bytes, countIf(table = 'events') AS parts,
            sumIf(bytes_on_disk, table = 'sessions') AS session_bytes
     FROM system.parts WHERE database = {db:String} AND table IN ('events', 'sessions') AND active`,
    { db: db.database },
  );
  return {
    bpe: Number(d!.bytes) / Number(d!.rows),
    parts: Number(d!.parts),
    sessionsBpe: Number(d!.session_bytes) / Number(d!.rows),
  };
}

/** Compressed bytes per event of each column of `table` (active parts), largest first. */
async function columnBytes(db: Db, table: string, events: number): Promise<{ name: string; bpe: number }[]> {
  const rows = await db.query<{ name: string; bytes: string }>(
    `SELECT column AS name, sum(column_data_compressed_bytes) AS bytes FROM system.parts_columns
     WHERE database = {db:String} AND table = {t:String} AND active GROUP BY column ORDER BY bytes DESC`,
    { db: db.database, t: table },
  );
  return rows.map((c) => ({ name: c.name, bpe: Number(c.bytes) / events }));
}

/** One model's (or the ROI report's) run: rows, the conversions it credited and the total it should add up to. */
async function runOne(db: Db, name: (typeof NAMES)[number]): Promise<Omit<Timed, 'ms' | 'peak'>> {
  if (name === ROI) {
    const r = await roiReport(db, { ...QUERY, model: 'linear', groupBy: 'campaign', timeZone: 'UTC' });
    return { rows: r.rows.length, credited: r.rows.reduce((s, x) => s + x.leads, 0), total: r.total.leads };
  }
  const r = await attribution(db, { ...QUERY, model: name as Model });
  return { rows: r.rows.length, credited: r.rows.reduce((s, x) => s + x.conversions, 0), total: r.total.conversions };
}

export async function attributionScale(o: BenchOptions): Promise<Section> {
  const sizes = o.quick ? [20_000, 60_000] : [1_000_000, 3_000_000, 10_000_000];
  const reps = o.quick ? 1 : 3;
  const dir = tempDir('closeloop-attr-');
  const db = await openDb(loadConfig({ CLOSELOOP_DATA_DIR: dir, CLICKHOUSE_DATABASE: 'bench' }));
  const points: Point[] = [];
  const failures: string[] = [];
  let columns: { name: string; bpe: number }[] = [];
  try {
    await migrate(db);
    await db.command(costsInsert(db.database));
    let have = 0;
    for (const size of sizes) {
      const loadSeconds = await grow(db, have, size);
      have = size;
      const inserted = await bytesPerEvent(db);
      // Steady state: a running collector's parts get merged in the background; do it now.
      const t0 = performance.now();
      await db.command(`OPTIMIZE TABLE ${db.database}.events FINAL`);
      await db.command(`OPTIMIZE TABLE ${db.database}.sessions FINAL`);
      const optimizeSeconds = (performance.now() - t0) / 1000;
      const merged = await bytesPerEvent(db);
      log(
        `attribution: ${fmt(size)} events, ${fmt(inserted.bpe, 1)} bytes/event as inserted, ${fmt(merged.bpe, 1)} merged (OPTIMIZE ${fmt(optimizeSeconds, 1)} s)`,
      );
      const [cnt] = await db.query<{ n: string }>(`SELECT count() AS n FROM ${db.database}.events`);
      if (Number(cnt!.n) !== size) failures.push(`expected ${size} events, found ${cnt!.n}`);
      const conv = await db.query<{ kind: string; n: string }>(
        `SELECT kind, count() AS n FROM ${db.database}.conversions WHERE site_id = {site:String} GROUP BY kind`,
        { site: SITE },
      );
      const conversions = Object.fromEntries(conv.map((c) => [c.kind, Number(c.n)]));
      if (!conversions.lead)
        failures.push(`no leads at ${size} events: identities/stages were not fed from the events`);
      const runs: Timed[] = [];
      for (const name of NAMES) {
        let last: Omit<Timed, 'ms' | 'peak'> = { rows: 0, credited: 0, total: 0 };
        // Median of `reps` runs (the first size's first run warms caches); a query slower than 20 s runs once.
        const times: { ms: number; peak: number }[] = [];
        while (times.length < reps && !(times.length > 0 && times[0]!.ms > 20_000)) {
          resetPeak();
          const t = performance.now();
          last = await runOne(db, name);
          times.push({ ms: performance.now() - t, peak: memory().peak });
        }
        // Every model shares out each conversion exactly once.
        if (last.total === 0 || Math.abs(last.credited - last.total) > 0.001 * last.total + 0.01) {
          failures.push(`${name} at ${size} events credits ${fmt(last.credited, 2)} leads of ${fmt(last.total)}`);
        }
        runs.push({ ms: median(times.map((x) => x.ms)), peak: Math.max(...times.map((x) => x.peak)), ...last });
        log(
          `attribution: ${fmt(size)} events, ${name}: ${fmt(runs.at(-1)!.ms)} ms (median of ${times.length}), ${last.rows} rows`,
        );
      }
      points.push({
        events: size,
        loadSeconds,
        optimizeSeconds,
        bytesInserted: inserted.bpe,
        bytesMerged: merged.bpe,
        parts: merged.parts,
        sessionsBytes: merged.sessionsBpe,
        conversions,
        runs,
      });
    }
    columns = await columnBytes(db, 'events', have);
    const sessionColumns = await columnBytes(db, 'sessions', have);
    // Every column, in the log: what each costs per event after the last merge.
    for (const [t, cs] of [
      ['events', columns],
      ['sessions', sessionColumns],
    ] as const)
      log(
        `attribution: ${t} columns (bytes/event): ${cs.some((c) => c.bpe > 0) ? cs.map((c) => `${c.name} ${fmt(c.bpe, 3)}`).join(', ') : 'not known (compact parts: small tables keep no per-column sizes)'}`,
      );
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const sizesHead = points.map((p) => `${fmt(p.events / 1e6, p.events < 1e6 ? 2 : 0)}M events`);
  const last = points.at(-1)!;
  const models = last.runs.slice(0, ALL_MODELS.length);
  const slowest = Math.max(...models.map((m) => m.ms));
  const peak = Math.max(...last.runs.map((m) => m.peak));
  const markdown = [
    'Query time in ms (median), per size:',
    '',
    table(
      ['model', ...sizesHead, `peak RSS MiB at ${sizesHead.at(-1)}`, 'rows'],
      NAMES.map((n, i) => [
        n,
        ...points.map((p) => fmt(p.runs[i]!.ms)),
        fmt(last.runs[i]!.peak / 1024 ** 2),
        last.runs[i]!.rows,
      ]),
    ),
    '',
    table(
      [
        'events',
        'leads',
        'customers',
        'won deals',
        'load s (events + CRM)',
        'OPTIMIZE FINAL s',
        'bytes/event as inserted',
        'bytes/event merged',
        'active parts',
        '+ sessions table bytes/event',
      ],
      points.map((p) => [
        fmt(p.events),
        fmt(p.conversions.lead ?? 0),
        fmt(p.conversions.customer ?? 0),
        fmt(p.conversions.revenue ?? 0),
        fmt(p.loadSeconds, 1),
        fmt(p.optimizeSeconds, 1),
        fmt(p.bytesInserted, 1),
        fmt(p.bytesMerged, 1),
        p.parts,
        fmt(p.sessionsBytes, 1),
      ]),
    ),
    '',
    columns.some((c) => c.bpe > 0)
      ? `Columns of \`events\` at ${fmt(last.events)} events, merged (compressed bytes per event; the rest < 0.05): ` +
        columns
          .filter((c) => c.bpe >= 0.05)
          .map((c) => `\`${c.name}\` ${fmt(c.bpe, 2)}`)
          .join(', ') +
        '.'
      : `Columns of \`events\`: not known at ${fmt(last.events)} events (compact parts keep no per-column sizes).`,
    '',
    `Goals: every model < 1 s at 10M events and < 2 GB RSS — at ${fmt(last.events)} events the slowest model takes ` +
      `${fmt(slowest)} ms (${slowest < 1000 ? 'met' : 'missed'}), peak RSS ${fmt(peak / 1024 ** 2)} MiB (${peak < 2 * 1024 ** 3 ? 'met' : 'missed'}); ` +
      `≤ 25 bytes/event stored — ${fmt(last.bytesMerged, 1)} merged in \`events\` (${last.bytesMerged <= 25 ? 'met' : 'missed'}), ` +
      `plus ${fmt(last.sessionsBytes, 1)} per event in \`sessions\`, the one-row-per-session table attribution reads.`,
    '',
    'Method: seeded traffic generated inside ClickHouse (benchmarks/support/traffic.ts: 8 events per visitor, 1–4 sessions, ' +
      '20 % of people on two devices, 50 campaigns over 7 channels plus Direct/Organic/Referral, 4 % of people become leads by a ' +
      'form fill or identify event, a quarter of those customers with a won deal two weeks later, daily costs per campaign), ' +
      "inserted with INSERT … SELECT FROM numbers() into the collector's own schema (all migrations; rows as the collector stores them since " +
      "the events layout of version 35: the session's touch on its first event only, `path` computed from `url`, event ids numbered per session as the SDK sends them): its materialized views " +
      'derive `identities` and lead `stages` from the events; customer stages, deals and costs are inserted as the CRM and cost ' +
      'imports would. Grown incrementally to each size, then `OPTIMIZE TABLE … FINAL` of `events` and `sessions` (the merged state a running collector ' +
      "reaches in the background). Each model is the collector's own code (collector/src/attribution: `attribution()` with " +
      `leads by campaign over the whole period, 90-day lookback; the ROI report credits leads, customers and revenue in one rule-based pass, plus the costs). Median of ${reps} ` +
      "runs (one run when a query takes over 20 s), in this process through the collector's Db (chDB); peak RSS is the whole process (Node + chDB), " +
      "reset before each query. Every run checks that the model's credits add up to the number of leads.",
  ].join('\n');
  const plot = (title: string, names: readonly string[]) =>
    lineChart({
      title,
      x: 'events',
      y: 'ms (median)',
      xs: points.map((p) => p.events),
      series: names.map((n) => ({
        name: n === ROI ? 'ROI report (linear)' : n,
        points: points.map(
          (p) => [p.events, p.runs[NAMES.indexOf(n as (typeof NAMES)[number])]!.ms] as [number, number],
        ),
      })),
    });
  const fastest = Math.min(...models.map((m) => m.ms));
  return {
    title: 'Attribution at scale',
    markdown:
      markdown +
      '\n\n![rule-based models: query time vs events](attribution-scale.svg)\n\n' +
      '![Markov model and ROI report: query time vs events](attribution-scale-markov-roi.svg)',
    headlines: [
      `attribution at ${fmt(last.events)} events: ${fmt(fastest)}–${fmt(slowest)} ms per model (${ALL_MODELS.length} models, leads by campaign), ` +
        `ROI report ${fmt(last.runs.at(-1)!.ms)} ms; peak RSS ${fmt(peak / 1024 ** 2)} MiB; ${fmt(last.bytesMerged, 1)} bytes/event on disk (+ ${fmt(last.sessionsBytes, 1)} in \`sessions\`)`,
    ],
    failures,
    files: {
      'attribution-scale.svg': plot(
        'Rule-based attribution models: query time vs events',
        ALL_MODELS.filter((m) => m !== 'markov'),
      ),
      'attribution-scale-markov-roi.svg': plot('Markov model and ROI report: query time vs events', ['markov', ROI]),
    },
  };
}

runIfMain(import.meta.url, attributionScale);
