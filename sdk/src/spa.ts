/**
 * Single-page-app navigations: wraps `history.pushState`/`replaceState` and listens to `popstate`
 * (and `hashchange` with hash routing). `onPage` runs once per navigation to another path+search
 * (+hash with `hash`); repeats of the current address are not page views.
 */
import { attempt } from './safe.js';

export function watchHistory(onPage: () => void, hash?: boolean): void {
  // The address without its #hash unless `hash` (same origin, so: path+search(+hash)).
  const key = () => (hash ? location.href : location.href.split('#')[0]);
  let last = key();
  // Runs inside the app's own navigation: never throws into it.
  const check = () => attempt(() => key() != last && ((last = key()), onPage()));
  for (const m of ['pushState', 'replaceState'] as const) {
    const original = history[m].bind(history);
    history[m] = (...args: Parameters<History['pushState']>) => {
      original(...args);
      check();
    };
  }
  addEventListener('popstate', check);
  if (hash) addEventListener('hashchange', check);
}
