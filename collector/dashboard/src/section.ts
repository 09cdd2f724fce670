/**
 * What every section shares: the signed-in API, the chosen site and period, and a loader that
 * marks the section busy, shows an error inside the section (the others keep working), and drops
 * an answer that a newer request has overtaken (a quick second click on another model).
 */
import { ApiError, type Api, type Filter, type GroupBy, type ReportQuery } from './api.js';
import { unmount } from './charts/responsive.js';
import { h, replace } from './dom.js';
import type { View } from './state.js';

export interface Context {
  api: Api;
  view: View;
  /** The report parameters every section sends (days in the site's time zone, comparison, filters). */
  query: ReportQuery;
  /** Currency of the site's revenue ('' when unknown). */
  currency: string;
  /** Opened with a share link: no lead timelines, no admin actions. */
  readOnly: boolean;
  /** Narrow every panel to a value (drill-down), optionally grouping the campaigns table by another dimension. */
  drill: (filter: Filter, value: string, next?: GroupBy) => void;
}

/** Take the figures out of a section, so a new period's heading never sits above the old period's numbers. */
function clearFigures(section: HTMLElement, message: string): void {
  for (const box of section.querySelectorAll<HTMLElement>('.chart-box'))
    unmount(box, h('p', { class: 'placeholder' }, message));
  for (const box of section.querySelectorAll<HTMLElement>('.cards, .table-box'))
    replace(box, message ? h('p', { class: 'placeholder' }, message) : null);
  for (const note of section.querySelectorAll<HTMLElement>('.chart-note, .stated-total')) replace(note);
}

export type Load = (work: () => Promise<() => void>) => Promise<void>;

export function loader(section: HTMLElement, onUnauthorized: () => void): Load {
  let latest = 0;
  const errorBox =
    section.querySelector('.section-error') ??
    section.appendChild(h('div', { class: 'section-error', role: 'alert', hidden: true }));
  return async (work) => {
    const seq = ++latest;
    section.setAttribute('aria-busy', 'true');
    clearFigures(section, 'Loading…');
    try {
      const render = await work();
      if (seq !== latest) return;
      errorBox.setAttribute('hidden', '');
      render();
    } catch (err) {
      if (seq !== latest) return;
      if (err instanceof ApiError && err.status === 401) return onUnauthorized();
      clearFigures(section, '');
      errorBox.removeAttribute('hidden');
      replace(errorBox, `Could not load this part: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (seq === latest) section.removeAttribute('aria-busy');
    }
  };
}

/** A message in place of a chart or table when the period has no data. */
export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}
