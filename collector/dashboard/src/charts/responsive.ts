/**
 * Charts are drawn at the pixel width of their container (so text stays at its real size) and
 * redrawn when that width changes: a phone held sideways, a resized window.
 */
import { replace } from '../dom.js';

export type Draw = (width: number) => SVGSVGElement;

const drawers = new WeakMap<Element, Draw>();
const widths = new WeakMap<Element, number>();
const observer = new ResizeObserver((entries) => {
  for (const e of entries) {
    const width = Math.floor(e.contentRect.width);
    if (width === widths.get(e.target) || width === 0) continue;
    render(e.target, width);
  }
});

function render(container: Element, width: number): void {
  const draw = drawers.get(container);
  if (!draw) return;
  widths.set(container, width);
  replace(container, draw(width));
}

/** Draw into `container` now and again whenever its width changes. */
export function mount(container: HTMLElement, draw: Draw): void {
  drawers.set(container, draw);
  render(container, Math.floor(container.clientWidth) || 320);
  observer.observe(container);
}

/** Stop redrawing `container` and show `children` instead (a "no data" message, or nothing). */
export function unmount(container: HTMLElement, ...children: Node[]): void {
  observer.unobserve(container);
  drawers.delete(container);
  widths.delete(container);
  replace(container, ...children);
}
