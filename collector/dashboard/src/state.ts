/**
 * What the dashboard shows (site, date range, comparison, filters, model, grouping, conversion)
 * lives in the URL fragment, so a view can be reloaded, bookmarked or sent to a colleague (who signs
 * in with their own token). A share link adds `share=sh_…` there (never in the query string, so it
 * reaches no server log).
 */
import {
  CONVERSIONS,
  FILTERS,
  GROUP_BY,
  MODELS,
  type Conversion,
  type Filter,
  type GroupBy,
  type Model,
} from './api.js';
import { PRESETS, type Preset } from './range.js';

export const COMPARES = ['', 'previous', 'year'] as const;
export type Compare = (typeof COMPARES)[number];

export interface View {
  site: string;
  /** A preset (`30d` …) or `custom` with `from`/`to` (first and last day, both included). */
  range: Preset | 'custom';
  from: string;
  to: string;
  compare: Compare;
  filters: Partial<Record<Filter, string>>;
  model: Model;
  groupBy: GroupBy;
  conversion: Conversion;
}

const DEFAULTS: View = {
  site: '',
  range: '30d',
  from: '',
  to: '',
  compare: '',
  filters: {},
  model: 'linear',
  groupBy: 'campaign',
  conversion: 'customer',
};

const oneOf = <T extends string | number>(allowed: readonly T[], v: unknown, fallback: T): T =>
  allowed.find((a) => String(a) === v) ?? fallback;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function readView(hash = location.hash): View {
  const p = new URLSearchParams(hash.slice(1));
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const custom = DATE.test(from) && DATE.test(to) && from <= to;
  const filters: View['filters'] = {};
  for (const f of FILTERS) {
    const v = p.get(`f.${f}`);
    if (v !== null) filters[f] = v.slice(0, 500);
  }
  return {
    site: p.get('site') ?? DEFAULTS.site,
    range:
      p.get('range') === 'custom' && custom
        ? 'custom'
        : oneOf(
            PRESETS.map((x) => x.id),
            p.get('range'),
            DEFAULTS.range,
          ),
    from: custom ? from : '',
    to: custom ? to : '',
    compare: oneOf(COMPARES, p.get('compare'), DEFAULTS.compare),
    filters,
    model: oneOf(MODELS, p.get('model'), DEFAULTS.model),
    groupBy: oneOf(GROUP_BY, p.get('groupBy'), DEFAULTS.groupBy),
    conversion: oneOf(CONVERSIONS, p.get('conversion'), DEFAULTS.conversion),
  };
}

export function writeView(v: View, extra: Record<string, string> = {}): void {
  const p = new URLSearchParams({ ...extra, site: v.site, range: v.range });
  if (v.range === 'custom') {
    p.set('from', v.from);
    p.set('to', v.to);
  }
  if (v.compare) p.set('compare', v.compare);
  for (const [f, value] of Object.entries(v.filters)) p.set(`f.${f}`, value);
  p.set('model', v.model);
  p.set('groupBy', v.groupBy);
  p.set('conversion', v.conversion);
  history.replaceState(null, '', `#${p.toString()}`);
}
