/**
 * Between the notice and the core SDK (`window.closeloop`, from cl.js), whichever loads first:
 * the choice goes to `closeloop.consent(choice)`, or — before cl.js has run — into the loader's
 * call queue `closeloop.q`, which cl.js replays. Whether to show the notice at all: only while the
 * core says `pending`; before the core is there, unless the `_cl_consent` cookie holds a choice.
 */

export interface Closeloop {
  consent?: (choice?: string) => string | undefined;
  /** Calls queued before cl.js ran (the loader snippet's stubs); absent on the real API. */
  q?: unknown[][];
}
type Host = { closeloop?: Closeloop };

/** The real SDK API, once cl.js has run (the loader's stubs have a `q`). */
export const core = (w: Host): Closeloop | undefined =>
  w.closeloop && !w.closeloop.q && w.closeloop.consent ? w.closeloop : undefined;

/** Whether to ask: the core's state is `pending`; without the core, no choice is remembered in the cookie. */
export const shouldAsk = (w: Host, cookie: string): boolean => {
  const c = core(w);
  return c ? c.consent!() == 'pending' : !/(^|;\s*)_cl_consent=/.test(cookie);
};

/** Hands the visitor's choice to the SDK, now or (queued) when cl.js runs. */
export function tell(w: Host, choice: 'granted' | 'denied'): void {
  const c = (w.closeloop ||= { q: [] });
  if (c.consent) c.consent(choice);
  else (c.q ||= []).push(['consent', choice]);
}
