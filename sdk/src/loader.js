/**
 * The loader snippet, to paste inline at the top of <head> instead of the plain script tag when the
 * page calls closeloop before cl.js has arrived: it defines `window.closeloop` with `init`, `track`,
 * `page`, `identify` and `consent` stubs that queue their calls in `closeloop.q`, then inserts cl.js `async`.
 * cl.js reads its `data-*` attributes (as from a plain tag) and replays the queue (browser.ts).
 * The build minifies it to dist/sdk/loader.js (budget: 400 bytes min+gzip); replace the URL and site key.
 */
((w, n, s) => {
  const c = (w[n] ||= { q: [] });
  for (const m of ['init', 'track', 'page', 'identify', 'consent']) c[m] ||= (...a) => c.q.push([m, ...a]);
  s = document.createElement('script');
  s.async = true;
  s.src = 'https://collector.example.com/cl.js';
  s.dataset.site = 'pk_YOUR_SITE_KEY';
  document.head.append(s);
})(window, 'closeloop');
