/**
 * Section "Pages and paths": the landing pages that bring leads and customers — entrances,
 * conversions whose converting session landed there, leads per entrance and assisted conversions
 * (GET /v1/reports/pages) — and the page sequences of converting sessions, entry → … → conversion,
 * with how many sessions took the same pages and the share that converted (GET /v1/reports/paths).
 */
import type { PageRow, PathRow } from '../../../contract/reports.js';
import { h, replace } from './dom.js';
import { int, percent } from './format.js';
import { empty, type Context, type Load } from './section.js';
import { dataTable, type Column } from './table.js';

const PAGE_COLUMNS: Column<PageRow>[] = [
  { id: 'page', label: 'Landing page', value: (r) => r.page, format: (r) => r.page },
  {
    id: 'entrances',
    label: 'Entrances',
    numeric: true,
    help: 'Sessions that started on this page in the period.',
    value: (r) => r.entrances,
    format: (r) => int(r.entrances),
  },
  {
    id: 'leads',
    label: 'Leads',
    numeric: true,
    help: 'Leads whose converting session (the last before becoming a lead) landed here.',
    value: (r) => r.leads,
    format: (r) => int(r.leads),
  },
  {
    id: 'lead_rate',
    label: 'Leads / entrance',
    numeric: true,
    help: 'Leads divided by entrances.',
    value: (r) => r.lead_rate,
    format: (r) => percent(r.lead_rate),
  },
  {
    id: 'customers',
    label: 'Customers',
    numeric: true,
    help: 'Customers whose converting session landed here.',
    value: (r) => r.customers,
    format: (r) => int(r.customers),
  },
  {
    id: 'assisted_leads',
    label: 'Assisted leads',
    numeric: true,
    help: 'Leads with an earlier session (in the lookback window) that landed here, converting elsewhere.',
    value: (r) => r.assisted_leads,
    format: (r) => int(r.assisted_leads),
  },
  {
    id: 'assisted_customers',
    label: 'Assisted customers',
    numeric: true,
    help: 'Customers with an earlier session that landed here, converting elsewhere.',
    value: (r) => r.assisted_customers,
    format: (r) => int(r.assisted_customers),
  },
];

const PATH_COLUMNS: Column<PathRow>[] = [
  { id: 'path', label: 'Pages, entry → conversion', value: (r) => r.path, format: (r) => r.path },
  {
    id: 'conversions',
    label: 'Conversions',
    numeric: true,
    help: 'Converting sessions that took exactly these pages before converting.',
    value: (r) => r.conversions,
    format: (r) => int(r.conversions),
  },
  {
    id: 'sessions',
    label: 'Sessions',
    numeric: true,
    help: 'Sessions of the period that viewed these pages in this order from their entry.',
    value: (r) => r.sessions,
    format: (r) => int(r.sessions),
  },
  {
    id: 'conversion_rate',
    label: 'Conversion rate',
    numeric: true,
    help: 'Conversions divided by sessions.',
    value: (r) => r.conversion_rate,
    format: (r) => percent(r.conversion_rate),
  },
];

export function pathsSection(root: HTMLElement, load: Load) {
  const pagesBox = root.querySelector<HTMLElement>('.pages-box')!;
  const pathsBox = root.querySelector<HTMLElement>('.paths-box')!;
  const conversion = root.querySelector<HTMLSelectElement>('select')!;
  let last: Context | undefined;
  const section = {
    load: (ctx: Context) =>
      load(async () => {
        last = ctx;
        const [pages, paths] = await Promise.all([
          ctx.api.report<{ rows: PageRow[] }>('reports/pages', ctx.query),
          ctx.api.report<{ rows: PathRow[] }>('reports/paths', ctx.query, { conversion: conversion.value }),
        ]);
        return () => {
          replace(
            pagesBox,
            pages.rows.length
              ? dataTable(PAGE_COLUMNS, pages.rows, {
                  caption: 'Landing pages: entrances, conversions and assisted conversions',
                  rowKey: (r) => r.page,
                  previous: pages.compare ? new Map(pages.compare.rows.map((r) => [r.page, r])) : undefined,
                })
              : empty('No sessions in this period.'),
          );
          replace(
            pathsBox,
            paths.rows.length
              ? dataTable(PATH_COLUMNS, paths.rows, {
                  caption: 'Page paths of converting sessions',
                  rowKey: (r) => r.path,
                  previous: paths.compare ? new Map(paths.compare.rows.map((r) => [r.path, r])) : undefined,
                })
              : h(
                  'p',
                  { class: 'empty' },
                  `No ${conversion.value === 'lead' ? 'leads' : 'customers'} with a recorded visit in this period.`,
                ),
          );
        };
      }),
  };
  conversion.addEventListener('change', () => last && void section.load(last));
  return { ...section, conversion: () => conversion.value };
}
