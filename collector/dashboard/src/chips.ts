/**
 * The filters in force, as removable chips above the panels ("Channel: Paid Search ×"), and a small
 * form to add one by hand. Every panel reads the same filters (drill-down adds them too).
 */
import { FILTERS, type Filter } from './api.js';
import { h, replace } from './dom.js';
import { FILTER_LABELS } from './labels.js';

type Filters = Partial<Record<Filter, string>>;

export function filterBar(root: HTMLElement, onChange: (filters: Filters) => void) {
  const list = root.querySelector<HTMLElement>('.chip-list')!;
  const form = root.querySelector<HTMLFormElement>('form')!;
  const name = form.querySelector<HTMLSelectElement>('select')!;
  const value = form.querySelector<HTMLInputElement>('input')!;
  replace(name, ...FILTERS.map((f) => h('option', { value: f }, FILTER_LABELS[f])));
  let current: Filters = {};

  function render(): void {
    const entries = Object.entries(current) as [Filter, string][];
    replace(
      list,
      ...entries.map(([f, v]) => {
        const chip = h(
          'button',
          {
            type: 'button',
            class: 'chip filter-chip',
            'data-filter': f,
            'aria-label': `Remove the filter ${FILTER_LABELS[f]}: ${v}`,
          },
          h('span', { class: 'chip-name' }, `${FILTER_LABELS[f]}:`),
          ` ${v} `,
          h('span', { class: 'chip-x', 'aria-hidden': 'true' }, '×'),
        );
        chip.addEventListener('click', () => {
          const { [f]: _gone, ...rest } = current;
          onChange(rest);
        });
        return chip;
      }),
    );
    root.classList.toggle('has-filters', entries.length > 0);
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = value.value.trim();
    if (!v) return;
    value.value = '';
    onChange({ ...current, [name.value as Filter]: v.slice(0, 500) });
  });

  return {
    show(filters: Filters): void {
      current = filters;
      render();
    },
  };
}
