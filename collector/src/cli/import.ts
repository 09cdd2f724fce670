/**
 * `closeloop import customers <file.csv>` / `closeloop import stages <file.csv>`: CRM exports into
 * closeloop. Every row is validated like an API call; bad rows are reported with their line and
 * skipped, good rows are sent in batches (idempotent on the record id, so importing again changes
 * nothing). Through the running collector, or the store itself when none runs.
 */
import { statSync } from 'node:fs';
import type { Config } from '../config.js';
import { ConversionSchema, recordConversions, type Conversion } from '../crm/conversions.js';
import { summarize, type ConversionsResult } from '../routes/conversions.js';
import { CollectorUnreachable, httpAdminClient, withDirectDb } from './admin-client.js';
import { amountOf, CONVERSION_FIELDS, mapColumns, stageOf, timeOf, type ConversionField } from './crm-columns.js';
import { readCsvFile } from './csv.js';
import { progressBar } from './progress.js';

export interface ImportOptions {
  kind: 'customers' | 'stages';
  file: string;
  site?: string;
  /** A site secret key to use instead of the admin token. */
  key?: string;
  mapping: Partial<Record<ConversionField, string>>;
  currency?: string;
  delimiter: string;
}

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unmatched: number;
  rejected: { line: number; message: string }[];
}

const BATCH = 500;

export function parseMapping(spec: string | undefined): Partial<Record<ConversionField, string>> {
  const out: Partial<Record<ConversionField, string>> = {};
  for (const pair of (spec ?? '').split(',').filter(Boolean)) {
    const [field, header] = pair.split('=');
    if (!field || !header || !(CONVERSION_FIELDS as readonly string[]).includes(field.trim())) {
      throw new Error(`--map takes field=Header pairs (fields: ${CONVERSION_FIELDS.join(', ')}), got '${pair}'`);
    }
    out[field.trim() as ConversionField] = header.trim();
  }
  return out;
}

/** One CSV row as a conversion, or the reason it is not one. */
export function rowToConversion(fields: string[], cols: Partial<Record<ConversionField, number>>, opts: Pick<ImportOptions, 'kind' | 'currency'>): Conversion | string {
  const get = (f: ConversionField) => (cols[f] === undefined ? '' : (fields[cols[f]!] ?? '').trim());
  const stageText = get('stage');
  const stage = stageText ? stageOf(stageText) : opts.kind === 'customers' ? 'customer' : undefined;
  if (!stage) return stageText ? `stage: '${stageText}' is not a stage we know (lead, mql, sql, opportunity, customer/won, lost)` : 'stage: missing';
  const amountText = get('amount');
  const amount = amountText ? amountOf(amountText) : undefined;
  if (amount !== undefined && Number.isNaN(amount)) return `amount: '${amountText}' is not an amount`;
  const tsText = get('ts');
  const ts = tsText ? timeOf(tsText) : NaN;
  if (Number.isNaN(ts)) return tsText ? `date: '${tsText}' is not a date (use YYYY-MM-DD or ISO 8601)` : 'date: missing';
  const candidate = {
    record_id: get('record_id'),
    ...(get('email') ? { email: get('email') } : {}),
    ...(get('user_id') ? { user_id: get('user_id') } : {}),
    ...(get('visitor_id') ? { visitor_id: get('visitor_id') } : {}),
    stage,
    ...(amount !== undefined ? { amount, currency: get('currency') || opts.currency } : {}),
    ts,
  };
  const r = ConversionSchema.safeParse(candidate);
  if (r.success) return r.data;
  return r.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ');
}

export async function importCsv(config: Config, opts: ImportOptions, out: (s: string) => void, progress = progressBar(statSync(opts.file).size)): Promise<ImportSummary> {
  const summary: ImportSummary = { rows: 0, created: 0, updated: 0, unmatched: 0, rejected: [] };
  const send = await sender(config, opts);
  let cols: Partial<Record<ConversionField, number>> | undefined;
  let batch: Conversion[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const r = await send(batch);
    summary.created += r.created;
    summary.updated += r.updated;
    summary.unmatched += r.unmatched;
    batch = [];
  };
  for await (const rec of readCsvFile(opts.file, opts.delimiter, progress.update)) {
    if (!cols) {
      cols = mapColumns(rec.fields, opts.mapping);
      if (cols.record_id === undefined) throw new Error(`${opts.file}: no record id column (name one with --map record_id=<Header>; columns: ${rec.fields.join(', ')})`);
      continue;
    }
    summary.rows++;
    const c = rowToConversion(rec.fields, cols, opts);
    if (typeof c === 'string') summary.rejected.push({ line: rec.line, message: c });
    else batch.push(c);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  progress.done();
  out(`${opts.file}: ${summary.rows} rows — ${summary.created} created, ${summary.updated} updated, ${summary.unmatched} unmatched (not seen on the web yet), ${summary.rejected.length} rejected`);
  for (const r of summary.rejected) out(`  line ${r.line}: ${r.message}`);
  return summary;
}

type Send = (batch: Conversion[]) => Promise<ConversionsResult>;

/** Through the collector when one answers; else straight into the store. */
async function sender(config: Config, opts: ImportOptions): Promise<Send> {
  const client = httpAdminClient(config, opts.key);
  const body = (conversions: Conversion[]) => ({ ...(opts.site ? { site: opts.site } : {}), conversions });
  try {
    await client.call('GET', '/healthz');
    return (batch) => client.call<ConversionsResult>('POST', '/v1/conversions', body(batch));
  } catch (err) {
    if (!(err instanceof CollectorUnreachable)) throw err;
  }
  if (!opts.site) throw new Error('no collector running: name the site with --site <site id> to import into the store directly');
  const site = opts.site;
  return (batch) => withDirectDb(config, async (db) => summarize(await recordConversions(db, site, batch)));
}
