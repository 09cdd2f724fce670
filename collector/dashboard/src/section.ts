/**
 * What every section shares: the signed-in API, the chosen site and period, and a loader that
 * marks the section busy, shows an error inside the section (the others keep working), and drops
 * an answer that a newer request has overtaken (a quick second click on another model).
 */
import { ApiError, type Api, type Range } from './api.js';
import { h, replace } from './dom.js';
import type { View } from './state.js';

export interface Context {
  api: Api;
  view: View;
  range: Range;
  /** Currency of the site's revenue ('' when unknown). */
  currency: string;
}

export type Load = (work: () => Promise<() => void>) => Promise<void>;

export function loader(section: HTMLElement, onUnauthorized: () => void): Load {
  let latest = 0;
  const errorBox = section.querySelector('.section-error') ?? section.appendChild(h('div', { class: 'section-error', role: 'alert', hidden: true }));
  return async (work) => {
    const seq = ++latest;
    section.setAttribute('aria-busy', 'true');
    try {
      const render = await work();
      if (seq !== latest) return;
      errorBox.setAttribute('hidden', '');
      render();
    } catch (err) {
      if (seq !== latest) return;
      if (err instanceof ApiError && err.status === 401) return onUnauthorized();
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
