/**
 * The consent notice's dialog: an accessible banner (`role="dialog"`, labelled and described by
 * its title and text) with a policy link and two equal buttons. Focus moves into it when shown,
 * Tab and Shift+Tab cycle inside it, and focus goes back where it was once a choice is made.
 * Styled through CSSOM (`style.cssText`), which a Content-Security-Policy without
 * 'unsafe-inline' allows; texts are set as text, never as HTML.
 */

/** What the notice says; every text can be replaced (translated) by a `data-*` attribute of its script tag. */
export interface Texts {
  title: string;
  text: string;
  accept: string;
  reject: string;
  /** The privacy policy's address; no link without one. */
  policyUrl?: string;
  policyText: string;
}

export const DEFAULT_TEXTS: Texts = {
  title: 'Your privacy',
  text: 'May we set a cookie to learn which of our campaigns and pages bring visitors? You can change your mind at any time.',
  accept: 'Accept',
  reject: 'Reject',
  policyText: 'Privacy policy',
};

/** The texts from a script tag's `data-*` attributes (`data-title`, `data-policy-url` …), English defaults for the rest. */
export const readTexts = (data: Partial<Record<keyof Texts, string>>): Texts => {
  const t = { ...DEFAULT_TEXTS };
  for (const k in data) if (k in t || k == 'policyUrl') t[k as keyof Texts] = data[k as keyof Texts]!;
  return t;
};

/** The control to focus after Tab (Shift+Tab: `back`) from control `i` of `n`; -1 is the dialog itself. */
export const cycle = (i: number, n: number, back: boolean): number => (back ? (i > 0 ? i - 1 : n - 1) : (i + 1) % n);

const BUTTON =
  'font:inherit;padding:.45rem 1.1rem;border-radius:6px;border:1px solid #2456c8;background:#2456c8;color:#fff;cursor:pointer';

/** Shows the notice; `choose` receives the visitor's choice, after which the notice is gone. */
export function showDialog(t: Texts, choose: (c: 'granted' | 'denied') => void): HTMLElement {
  const d = document;
  const add = <K extends keyof HTMLElementTagNameMap>(tag: K, parent: Element, text: string, css = '') => {
    const e = d.createElement(tag);
    e.textContent = text;
    e.style.cssText = css;
    parent.append(e);
    return e;
  };
  const before = d.activeElement as HTMLElement | null;
  const box = add(
    'div',
    d.body,
    '',
    'position:fixed;z-index:2147483647;left:1rem;right:1rem;bottom:1rem;max-width:36rem;margin:auto;padding:1rem 1.25rem;background:#fff;color:#1d2430;border:1px solid #99a;border-radius:8px;box-shadow:0 4px 24px #0003;font:15px/1.5 system-ui,sans-serif',
  );
  box.tabIndex = -1;
  for (const [k, v] of [
    ['role', 'dialog'],
    ['aria-modal', 'true'],
    ['aria-labelledby', 'cl-consent-title'],
    ['aria-describedby', 'cl-consent-text'],
  ])
    box.setAttribute(k!, v!);
  add('h2', box, t.title, 'margin:0 0 .4rem;font-size:1.1em').id = 'cl-consent-title';
  const p = add('p', box, t.text + ' ', 'margin:0 0 .8rem');
  p.id = 'cl-consent-text';
  if (t.policyUrl) add('a', p, t.policyText, 'color:#2456c8').href = t.policyUrl;
  const row = add('div', box, '', 'display:flex;flex-wrap:wrap;gap:.5rem;justify-content:flex-end');
  for (const [c, label] of [
    ['denied', t.reject],
    ['granted', t.accept],
  ] as const) {
    const b = add('button', row, label, BUTTON);
    b.type = 'button';
    b.onclick = () => {
      box.remove();
      before?.focus?.();
      choose(c);
    };
  }
  box.addEventListener('keydown', (e) => {
    if (e.key != 'Tab') return;
    e.preventDefault();
    const controls = [...box.querySelectorAll<HTMLElement>('a,button')];
    controls[cycle(controls.indexOf(d.activeElement as HTMLElement), controls.length, e.shiftKey)]!.focus();
  });
  box.focus();
  return box;
}
