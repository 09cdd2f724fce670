/**
 * "Download CSV" on every table: the collector's own CSV export of the report (format=csv), saved
 * as a file — so the spreadsheet gets exactly the API's figures, formula-safe.
 */
import type { Api, ReportPath, ReportQuery } from './api.js';

export function downloadName(path: ReportPath, q: ReportQuery): string {
  return `closeloop-${path.replace('/', '-')}-${q.site.replace(/[^a-z0-9.-]+/gi, '_')}-${q.from}-to-${q.to}.csv`;
}

export async function downloadCsv(
  api: Api,
  path: ReportPath,
  q: ReportQuery,
  extra: Record<string, string>,
): Promise<void> {
  const text = await api.csv(path, q, extra);
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = downloadName(path, q);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
