/**
 * What the dashboard shows (site, period, model, grouping, conversion) lives in the URL fragment,
 * so a view can be reloaded, bookmarked or sent to a colleague (who signs in with their own token).
 */
import { CONVERSIONS, GROUP_BY, MODELS, type Conversion, type GroupBy, type Model, type Range } from './api.js';

export const PERIODS = [7, 30, 90] as const;
export type Period = (typeof PERIODS)[number];

export interface View {
  site: string;
  days: Period;
  model: Model;
  groupBy: GroupBy;
  conversion: Conversion;
}

const DEFAULTS: View = { site: '', days: 30, model: 'linear', groupBy: 'campaign', conversion: 'customer' };

const oneOf = <T extends string | number>(allowed: readonly T[], v: unknown, fallback: T): T => (allowed.find((a) => String(a) === v) ?? fallback);

export function readView(): View {
  const p = new URLSearchParams(location.hash.slice(1));
  return {
    site: p.get('site') ?? DEFAULTS.site,
    days: oneOf(PERIODS, p.get('days'), DEFAULTS.days),
    model: oneOf(MODELS, p.get('model'), DEFAULTS.model),
    groupBy: oneOf(GROUP_BY, p.get('groupBy'), DEFAULTS.groupBy),
    conversion: oneOf(CONVERSIONS, p.get('conversion'), DEFAULTS.conversion),
  };
}

export function writeView(v: View): void {
  const p = new URLSearchParams({ site: v.site, days: String(v.days), model: v.model, groupBy: v.groupBy, conversion: v.conversion });
  history.replaceState(null, '', `#${p.toString()}`);
}

/** The last `days` whole UTC days, today included: the reports count UTC days. */
export function rangeOf(days: number, now = Date.now()): Range {
  const DAY = 86_400_000;
  const to = Math.floor(now / DAY) * DAY + DAY;
  return { from: new Date(to - days * DAY).toISOString(), to: new Date(to).toISOString() };
}
