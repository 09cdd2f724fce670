/**
 * A data table: formatted cells with the exact number kept in `data-value`, numbers right-aligned,
 * a totals row, and headers that sort the rows (click again to reverse), announced by `aria-sort`.
 */
import { delta } from './delta.js';
import { h, replace } from './dom.js';

export interface Column<R> {
  id: string;
  label: string;
  /** What the column means, shown on hover of the header. */
  help?: string;
  numeric?: boolean;
  value: (r: R) => number | string | null;
  format: (r: R) => string;
  /** Extra class for a cell (e.g. a negative ROI). */
  tone?: (r: R) => string;
  /** A rise is bad news (cost, cost per lead): shown red. */
  lowerIsBetter?: boolean;
}

export interface TableOptions<R> {
  caption: string;
  rowKey: (r: R) => string;
  /** The totals row: text per column id. */
  totals?: Record<string, string>;
  /** The comparison period's rows by key: numeric cells then show their change. */
  previous?: Map<string, R>;
  /** Turns the first cell into a button (drill-down). */
  onOpen?: (r: R) => void;
  openLabel?: (r: R) => string;
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1; // missing values last, whichever the direction
  if (b === null) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

export function dataTable<R>(columns: Column<R>[], rows: R[], o: TableOptions<R>): HTMLTableElement {
  let sortBy: string | null = null;
  let descending = true;
  const tbody = h('tbody');
  const headers = columns.map((c) => {
    const button = h(
      'button',
      { type: 'button', class: 'sort', title: c.help ? `${c.help} Click to sort.` : 'Click to sort.' },
      c.label,
    );
    const th = h('th', { scope: 'col', class: c.numeric ? 'num' : '', 'data-col': c.id }, button);
    button.addEventListener('click', () => {
      descending = sortBy === c.id ? !descending : Boolean(c.numeric);
      sortBy = c.id;
      fillBody();
    });
    return th;
  });

  function fillBody(): void {
    const col = columns.find((c) => c.id === sortBy);
    const sorted = col
      ? [...rows].sort((a, b) => {
          const va = col.value(a);
          const vb = col.value(b);
          if (va === null || vb === null) return compare(va, vb);
          return descending ? compare(vb, va) : compare(va, vb);
        })
      : rows;
    for (const [i, th] of headers.entries()) {
      if (columns[i]!.id === sortBy) th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    replace(
      tbody,
      ...sorted.map((r) =>
        h(
          'tr',
          { 'data-key': o.rowKey(r) },
          ...columns.map((c, i) => {
            const v = c.value(r);
            const attrs = {
              class: [c.numeric ? 'num' : '', c.tone?.(r) ?? ''].join(' ').trim(),
              'data-col': c.id,
              'data-value': v === null ? 'null' : String(v),
            };
            if (i === 0) return h('th', { scope: 'row', ...attrs }, o.onOpen ? openButton(r) : c.format(r));
            const before = o.previous ? o.previous.get(o.rowKey(r)) : undefined;
            const change =
              c.numeric && o.previous
                ? delta(
                    typeof v === 'number' ? v : null,
                    before ? (c.value(before) as number | null) : 0,
                    c.lowerIsBetter,
                    () => (before ? c.format(before) : '0'),
                  )
                : null;
            return h('td', attrs, h('span', { class: 'cell-value' }, c.format(r)), change);
          }),
        ),
      ),
    );
  }
  function openButton(r: R): HTMLElement {
    const b = h('button', { type: 'button', class: 'drill', title: o.openLabel?.(r) ?? '' }, columns[0]!.format(r));
    b.addEventListener('click', () => o.onOpen!(r));
    return b;
  }
  fillBody();

  const foot = o.totals
    ? h(
        'tfoot',
        {},
        h(
          'tr',
          {},
          ...columns.map((c, i) =>
            i === 0
              ? h('th', { scope: 'row' }, o.totals![c.id] ?? 'Total')
              : h('td', { class: c.numeric ? 'num' : '', 'data-col': c.id }, o.totals![c.id] ?? ''),
          ),
        ),
      )
    : null;
  return h(
    'table',
    { class: 'data' },
    h('caption', { class: 'visually-hidden' }, o.caption),
    h('thead', {}, h('tr', {}, ...headers)),
    tbody,
    foot,
  );
}
