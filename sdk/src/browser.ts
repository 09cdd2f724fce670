/**
 * Entry of the script-tag build (`cl.js`, IIFE):
 *   <script async src="https://collector.example.com/cl.js" data-site="pk_…"></script>
 * Reads the tag's data-* attributes, inits (which records the first page view) and exposes one
 * global, `window.closeloop` = { init, track, page, identify, getVisitorId, consent }. Calls queued before the
 * script loaded (the loader snippet), `window.closeloop.q = [[method, ...args], ...]`, are replayed
 * after init — queued `init` calls first, so calls queued before them are not lost.
 */
import { consent, getVisitorId, identify, init, page, track } from './index.js';
import { scriptOptions } from './config.js';

const api: Record<string, (...a: never[]) => unknown> = { init, track, page, identify, getVisitorId, consent };

try {
  const w = window as unknown as { closeloop?: { q?: unknown[][] } };
  const q = w.closeloop?.q || [];
  w.closeloop = api;
  // Set while a classic script (async or not, also one the loader snippet inserted) first runs.
  const script = document.currentScript as HTMLScriptElement | null;
  // Without data-site, a queued ['init', {...}] can still start the SDK.
  if (script?.dataset.site) init(scriptOptions(script));
  for (const [m, ...args] of q.sort((a, b) => +(b[0] == 'init') - +(a[0] == 'init')))
    (api[m as string] as ((...a: unknown[]) => unknown) | undefined)?.(...args);
} catch {
  // never throw into the host page
}
