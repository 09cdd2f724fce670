/**
 * Entry of the script-tag build (`cl.js`, IIFE):
 *   <script async src="https://collector.example.com/cl.js" data-site="pk_…"></script>
 * Reads the tag's data-* attributes, inits (which records the first page view) and exposes one
 * global, `window.closeloop` = { init, track, page, getVisitorId }. Calls queued before the
 * script loaded, `window.closeloop.q = [[method, ...args], ...]`, are replayed after init.
 */
import { getVisitorId, init, page, track } from './index.js';
import { scriptOptions } from './config.js';

const api: Record<string, (...a: never[]) => unknown> = { init, track, page, getVisitorId };

try {
  const w = window as unknown as { closeloop?: { q?: unknown } };
  const queued = w.closeloop?.q;
  w.closeloop = api;

  const all = document.querySelectorAll<HTMLScriptElement>('script[src*="cl.js"],script[data-site]');
  const script = (document.currentScript as HTMLScriptElement | null) ?? all[all.length - 1];
  // Without data-site, a queued ['init', {...}] can still start the SDK.
  if (script?.getAttribute('data-site')) init(scriptOptions(script));

  if (Array.isArray(queued)) {
    for (const [method, ...args] of queued as unknown[][]) {
      const f = api[method as string] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof f == 'function') f(...args);
    }
  }
} catch {
  // never throw into the host page
}
