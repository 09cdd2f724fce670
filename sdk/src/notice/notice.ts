/**
 * Entry of the optional consent notice bundle (`consent.js`, served at `/cl-consent.js`; not part
 * of cl.js), for sites with `data-consent="required"`:
 *   <script async src="https://collector.example.com/cl-consent.js" data-policy-url="/privacy"
 *           data-title="…" data-text="…" data-accept="…" data-reject="…" data-policy-text="…"></script>
 * Shows the notice while consent is pending and gives the choice to `closeloop.consent()`; the SDK
 * remembers it (cookie `_cl_consent`), so the notice does not come back. Waits for cl.js when it
 * is not there yet (async scripts have all run by the window's `load`).
 */
import { core, shouldAsk, tell } from './bridge.js';
import { readTexts, showDialog } from './dialog.js';

try {
  const w = window as unknown as Parameters<typeof tell>[0];
  const texts = readTexts({ ...(document.currentScript as HTMLScriptElement | null)?.dataset });
  const go = () => {
    try {
      if (shouldAsk(w, document.cookie)) showDialog(texts, (c) => tell(w, c));
    } catch {
      // never throw into the host page
    }
  };
  if ((core(w) && document.body) || document.readyState == 'complete') go();
  else addEventListener('load', go);
} catch {
  // never throw into the host page
}
