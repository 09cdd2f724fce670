/**
 * `closeloop import customers|stages|costs <file.csv>`: CRM and ad platform exports into closeloop.
 * Every row is validated like an API call; bad rows are reported with their line and skipped,
 * good rows are sent in batches (idempotent on the CRM's record id, or on day + campaign for
 * costs, so importing again changes nothing). Through the running collector, or the store itself
 * when none runs.
 */
import { statSync } from 'node:fs';
import type { z } from 'zod';
import type { Config } from '../base/config.js';
import { ConversionSchema, recordConversions, summarize } from '../crm/conversions.js';
import { CostSchema, recordCosts } from '../crm/costs.js';
import type { Db } from '../storage/db.js';
import { CollectorUnreachable, httpAdminClient, withDirectDb } from './admin-client.js';
import { amountOf, CONVERSION_HEADERS, COST_HEADERS, mapColumns, stageOf, timeOf } from './crm-columns.js';
import { readCsvFile } from './csv.js';
import { progressBar } from './progress.js';

export type ImportKind = 'customers' | 'stages' | 'costs';

export interface ImportOptions {
  kind: ImportKind;
  file: string;
  site?: string;
  /** A site secret key to use instead of the admin token. */
  key?: string;
  /** Field → CSV header, overriding the known header names. */
  mapping: Record<string, string>;
  currency?: string;
  delimiter: string;
}

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unmatched: number;
  /** Rows without a date, dated when imported. */
  undated: number;
  rejected: { line: number; message: string }[];
}

interface Counts {
  created: number;
  updated: number;
  unmatched?: number;
}

/** What one kind of import reads and where it sends it. */
interface Importer<T> {
  headers: Record<string, string[]>;
  /** The column without which the file cannot be this kind of export. */
  required: string;
  /** One CSV row as a record, or the reason it is not one; `undatedTs`: the time of a row without a date. */
  row(get: (field: string) => string, opts: ImportOptions, undatedTs: number): T | string;
  route: string;
  bodyKey: string;
  direct(db: Db, site: string, batch: T[]): Promise<Counts>;
}

const BATCH = 500;

const issues = (r: z.ZodSafeParseError<unknown>) =>
  r.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');

/** An amount cell: undefined when empty, NaN when not an amount. */
const amountCell = (text: string) => (text ? amountOf(text) : undefined);

const conversions: Importer<z.output<typeof ConversionSchema>> = {
  headers: CONVERSION_HEADERS,
  required: 'record_id',
  row(get, opts, undatedTs) {
    const stageText = get('stage');
    const stage = stageText ? stageOf(stageText) : opts.kind === 'customers' ? 'customer' : undefined;
    if (!stage)
      return stageText
        ? `stage: '${stageText}' is not a stage we know (lead, mql, sql, opportunity, customer/won, lost)`
        : 'stage: missing';
    const amount = amountCell(get('amount'));
    if (Number.isNaN(amount)) return `amount: '${get('amount')}' is not an amount`;
    // No date (an open deal, or an example file): it happened when imported.
    const ts = get('ts') ? timeOf(get('ts')) : undatedTs;
    if (Number.isNaN(ts)) return `date: '${get('ts')}' is not a date (use YYYY-MM-DD or ISO 8601)`;
    const r = ConversionSchema.safeParse({
      record_id: get('record_id'),
      ...(get('email') ? { email: get('email') } : {}),
      ...(get('user_id') ? { user_id: get('user_id') } : {}),
      ...(get('visitor_id') ? { visitor_id: get('visitor_id') } : {}),
      stage,
      ...(amount !== undefined ? { amount, currency: get('currency') || opts.currency } : {}),
      ...(get('stated_source') ? { stated_source: get('stated_source') } : {}),
      ts,
    });
    return r.success ? r.data : issues(r);
  },
  route: '/v1/conversions',
  bodyKey: 'conversions',
  direct: async (db, site, batch) => summarize(await recordConversions(db, site, batch)),
};

const costs: Importer<z.output<typeof CostSchema>> = {
  headers: COST_HEADERS,
  required: 'amount',
  row(get, opts) {
    const amount = amountCell(get('amount'));
    if (amount === undefined || Number.isNaN(amount))
      return amount === undefined ? 'amount: missing' : `amount: '${get('amount')}' is not an amount`;
    const day = get('date') ? timeOf(get('date')) : NaN;
    if (Number.isNaN(day))
      return get('date') ? `date: '${get('date')}' is not a date (use YYYY-MM-DD)` : 'date: missing';
    const r = CostSchema.safeParse({
      date: new Date(day).toISOString().slice(0, 10),
      source: get('source'),
      medium: get('medium'),
      campaign: get('campaign'),
      amount,
      currency: get('currency') || opts.currency,
    });
    return r.success ? r.data : issues(r);
  },
  route: '/v1/costs',
  bodyKey: 'costs',
  direct: (db, site, batch) => recordCosts(db, site, batch),
};

const IMPORTERS: Record<ImportKind, Importer<unknown>> = {
  customers: conversions,
  stages: conversions,
  costs,
} as Record<ImportKind, Importer<unknown>>;

/** The fields `--map` takes for an import kind. */
export const fieldsOf = (kind: ImportKind) => Object.keys(IMPORTERS[kind].headers);

export function parseMapping(spec: string | undefined, kind: ImportKind): Record<string, string> {
  const fields = fieldsOf(kind);
  const out: Record<string, string> = {};
  for (const pair of (spec ?? '').split(',').filter(Boolean)) {
    const [field, header] = pair.split('=');
    if (!field || !header || !fields.includes(field.trim())) {
      throw new Error(`--map takes field=Header pairs (fields: ${fields.join(', ')}), got '${pair}'`);
    }
    out[field.trim()] = header.trim();
  }
  return out;
}

export async function importCsv(
  config: Config,
  opts: ImportOptions,
  out: (s: string) => void,
  progress = progressBar(statSync(opts.file).size),
): Promise<ImportSummary> {
  const importer = IMPORTERS[opts.kind];
  const summary: ImportSummary = { rows: 0, created: 0, updated: 0, unmatched: 0, undated: 0, rejected: [] };
  const importedAt = Date.now();
  const send = await sender(config, opts, importer);
  let cols: Partial<Record<string, number>> | undefined;
  let batch: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const r = await send(batch);
    summary.created += r.created;
    summary.updated += r.updated;
    summary.unmatched += r.unmatched ?? 0;
    batch = [];
  };
  for await (const rec of readCsvFile(opts.file, opts.delimiter, progress.update)) {
    if (!cols) {
      cols = mapColumns(rec.fields, opts.mapping, importer.headers);
      if (cols[importer.required] === undefined) {
        throw new Error(
          `${opts.file}: no ${importer.required} column (name one with --map ${importer.required}=<Header>; columns: ${rec.fields.join(', ')})`,
        );
      }
      continue;
    }
    summary.rows++;
    const fields = rec.fields;
    const at = cols;
    const get = (f: string) => (at[f] === undefined ? '' : (fields[at[f]!] ?? '').trim());
    // Rows without a date: the import's time, a millisecond apart in file order (a person's stages keep their order).
    const record = importer.row(get, opts, importedAt + rec.line);
    if (typeof record !== 'string' && !get('ts') && opts.kind !== 'costs') summary.undated++;
    if (typeof record === 'string') summary.rejected.push({ line: rec.line, message: record });
    else batch.push(record);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  progress.done();
  const unmatched = opts.kind === 'costs' ? '' : `, ${summary.unmatched} unmatched (not seen on the web yet)`;
  out(
    `${opts.file}: ${summary.rows} rows — ${summary.created} created, ${summary.updated} updated${unmatched}, ${summary.rejected.length} rejected`,
  );
  if (summary.undated > 0)
    out(
      `  ${summary.undated} row${summary.undated === 1 ? '' : 's'} without a date: dated ${new Date(importedAt).toISOString()} (when imported)`,
    );
  for (const r of summary.rejected) out(`  line ${r.line}: ${r.message}`);
  return summary;
}

/** Through the collector when one answers; else straight into the store. */
async function sender(
  config: Config,
  opts: ImportOptions,
  importer: Importer<unknown>,
): Promise<(batch: unknown[]) => Promise<Counts>> {
  const client = httpAdminClient(config, opts.key);
  try {
    await client.call('GET', '/healthz');
    return (batch) =>
      client.call<Counts>('POST', importer.route, {
        ...(opts.site ? { site: opts.site } : {}),
        [importer.bodyKey]: batch,
      });
  } catch (err) {
    if (!(err instanceof CollectorUnreachable)) throw err;
  }
  if (!opts.site)
    throw new Error('no collector running: name the site with --site <site id> to import into the store directly');
  const site = opts.site;
  return (batch) => withDirectDb(config, (db) => importer.direct(db, site, batch));
}
