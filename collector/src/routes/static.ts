/**
 * Static files: the SDK bundle at `/cl.js`, its core variant (no form or click capture) at
 * `/cl.core.js`, the consent notice at `/cl-consent.js`, the demo site
 * under `/demo/` (demo mode), and a start page at `/` that tells a newcomer what runs here and
 * links to the dashboard.
 */
import { readFile } from 'node:fs/promises';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CONSENT_BUNDLE, DEMO_DIR, SDK_BUNDLE, SDK_CORE_BUNDLE, VERSION } from '../base/paths.js';
import { DEMO_SITE } from '../sites/demo.js';

const staticRoutes: FastifyPluginAsync<{ demo: boolean }> = async (app, { demo }) => {
  /**
   * A bundle of dist/sdk/, read and compressed once (brotli and gzip at their best levels), sent in
   * the smallest encoding the browser accepts; 503 until the SDK is built.
   */
  const bundle = (file: string) => {
    let encoded: Encoded | undefined;
    return async (req: FastifyRequest, reply: FastifyReply) => {
      encoded ??= await readFile(file).then(encodings, () => undefined);
      if (!encoded) {
        return reply.code(503).type('text/plain').send('// closeloop: the SDK is not built. Run `npm run build`.\n');
      }
      const encoding = pickEncoding(req.headers['accept-encoding']);
      if (encoding != 'identity') reply.header('content-encoding', encoding);
      return reply
        .type('application/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .header('access-control-allow-origin', '*')
        .header('vary', 'accept-encoding')
        .send(encoded[encoding]);
    };
  };
  app.get('/cl.js', bundle(SDK_BUNDLE));
  app.get('/cl.core.js', bundle(SDK_CORE_BUNDLE));
  app.get('/cl-consent.js', bundle(CONSENT_BUNDLE));

  if (demo) {
    await app.register(fastifyStatic, { root: DEMO_DIR, prefix: '/demo/', index: 'index.html', cacheControl: false });
    // The demo site's own form handler, as a real site has one: take the POST, redirect to a thank-you page.
    // (It stores nothing: closeloop learns about the submission from the script on the page.)
    app.addContentTypeParser(
      ['application/x-www-form-urlencoded', 'multipart/form-data'],
      { parseAs: 'string' },
      (_req, _body, done) => done(null, undefined),
    );
    app.post('/demo/forms/:form', async (_req, reply) => reply.redirect('/demo/thanks.html', 303));
  }

  app.get('/', async (req, reply) => {
    const origin = `${req.protocol}://${req.host}`;
    return reply.type('text/html; charset=utf-8').send(startPage(origin, demo));
  });
};

type Encoding = 'br' | 'gzip' | 'identity';
type Encoded = Record<Encoding, Buffer>;

const encodings = (code: Buffer): Encoded => ({
  identity: code,
  gzip: gzipSync(code, { level: 9 }),
  br: brotliCompressSync(code, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: code.length },
  }),
});

/**
 * The encoding to send for an `Accept-Encoding` header: brotli, else gzip, when accepted (a `q=0`
 * refuses one; `*` accepts any not named), else the file as it is. Exported for tests.
 */
export function pickEncoding(header: string | undefined): Encoding {
  const q = new Map<string, number>();
  for (const item of (header ?? '').toLowerCase().split(',')) {
    const [name, ...params] = item.split(';').map((x) => x.trim());
    const weight = params.find((p) => p.startsWith('q='));
    if (name) q.set(name, weight ? Number(weight.slice(2)) || 0 : 1);
  }
  const accepts = (e: string) => (q.get(e) ?? q.get('*') ?? 0) > 0;
  return accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : 'identity';
}

function startPage(origin: string, demo: boolean): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const tag = esc(`<script async src="${origin}/cl.js" data-site="SITE_KEY"></script>`);
  const demoLinks = demo
    ? `<h2>Demo site</h2>
  <ul>
    <li><a href="/demo/?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=launch">Arrive from the launch newsletter</a> (channel Email)</li>
    <li><a href="/demo/?utm_source=google&amp;utm_medium=cpc&amp;utm_campaign=brand&amp;gclid=demo123">Arrive from a Google ad</a> (channel Paid Search)</li>
    <li><a href="/demo/">Arrive directly</a></li>
    <li><a href="/demo/contact.html">Request a demo</a>: the lead form (a full-page POST to a thank-you page)</li>
  </ul>
  <p>Its pages use the demo site key <code>${DEMO_SITE.public_key}</code>.</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>closeloop collector</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2430}
code,pre{background:#f1f3f6;border-radius:4px;padding:.1rem .3rem}pre{padding:.8rem;overflow:auto}a{color:#2456c8}</style>
</head><body>
  <h1>closeloop collector <small style="font-size:.5em;color:#667">v${esc(VERSION)}</small></h1>
  <p>Which campaign produced which lead, which customer, and how much revenue.</p>
  <p><a href="/dashboard/"><strong>Open the dashboard</strong></a>: traffic, leads, customers, revenue and ROI per campaign under every attribution model (sign in with the admin token).</p>
  ${demoLinks}
  <h2>Track a site</h2>
  <p>Add a site with <code>npx closeloop sites add shop.example.com</code>, then put its key in the script tag:</p>
  <pre>${tag}</pre>
  <h2>Query the data</h2>
  <pre>npx closeloop sql "SELECT channel, utm_campaign, count() AS pageviews FROM events_with_touch GROUP BY ALL ORDER BY pageviews DESC"</pre>
  <p>Health: <a href="/healthz">/healthz</a> · Readiness: <a href="/readyz">/readyz</a></p>
</body></html>`;
}

export default staticRoutes;
