/**
 * What an SDK costs the page: main-thread time (CDP Performance.getMetrics: TaskDuration and
 * ScriptDuration) and bytes sent per page view, in real Chromium, ours against peers loaded on the
 * same test page. Every SDK sends to a local sink on 127.0.0.1 that counts what it receives.
 *   npx tsx benchmarks/sdk-page-cost.ts [--quick]
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { fmt, log, median, quantile, repoRoot, runIfMain, table, type BenchOptions, type Section } from './lib.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium.js';
import { bundle, SDKS, slug, tmpDir } from './sdk-size.js';

const CHROMIUM = CHROMIUM_PATH;
const PEERS = ['Plausible', 'Mixpanel', 'PostHog'];
/** A script that only touches a cookie and localStorage, as a cookie-based tracker with a stored outbox must. */
const STORAGE_FLOOR = 'cookie + localStorage only (no SDK logic)';
/**
 * Read, write and read a cookie; read and write localStorage (cl.js does each of these): the floor's
 * script, and what is added to Plausible's for the variant below.
 */
const STORAGE_JS =
  'document.cookie;document.cookie="_f_v="+Math.random()+";path=/;max-age=9999";document.cookie;localStorage.getItem("_f_b");localStorage.setItem("_f_b","[]")';
/** Plausible's script followed by the floor's five statements: Plausible as a tracker with closeloop's storage would be. */
const PLAUSIBLE_WITH_STORAGE = 'Plausible + cookie + localStorage';

interface Variant {
  name: string;
  /**
   * The variant in the page's URL, title and sink path: the same length for every SDK (9 characters,
   * as long as "closeloop", which older runs used), since the SDKs send these and bytes are counted.
   */
  token?: string;
  tag: (origin: string) => string;
  js?: string;
}
interface Sample {
  task: number;
  script: number;
}

const signed = (x: number) => `${x < 0 ? '−' : '+'}${fmt(Math.abs(x), 1)}`;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36';

/** The sink path of one page view: /sink/VARIANT/ROUND (round 0 is the warm-up). */
function page(v: Variant, origin: string, round: string): string {
  const sink = `${origin}/sink/${v.token}/${round}`;
  const text = Array.from(
    { length: 30 },
    (_, i) => `<p>Paragraph ${i}: a product description with enough text to lay out.</p>`,
  ).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Bench — ${v.token}</title>
<script>window.__SINK__ = '${sink}';</script>${v.tag(sink)}</head>
<body><h1>Shop</h1><a href="/next">next</a>${text}</body></html>`;
}

export async function sdkPageCost(o: BenchOptions): Promise<Section> {
  // 20 rounds: a page load's task time spreads by tens of ms between loads on this machine.
  const n = o.quick ? 1 : 20;
  const variants: Variant[] = [
    { name: 'no SDK (baseline)', tag: () => '' },
    {
      name: 'closeloop',
      js: readFileSync(path.join(repoRoot, 'dist/sdk/cl.js'), 'utf8'),
      tag: (sink) => `<script async src="/js/closeloop.js" data-site="pk_demo" data-endpoint="${sink}"></script>`,
    },
    {
      name: 'closeloop-core',
      js: readFileSync(path.join(repoRoot, 'dist/sdk/cl.core.js'), 'utf8'),
      tag: (sink) => `<script async src="/js/closeloop-core.js" data-site="pk_demo" data-endpoint="${sink}"></script>`,
    },
    {
      // What any tracker with a first-party cookie and an outbox that survives the page pays the browser, without
      // any logic: read, write and read a cookie, read and write localStorage (cl.js does each of these).
      name: STORAGE_FLOOR,
      js: STORAGE_JS,
      tag: () => `<script async src="/js/${encodeURIComponent(STORAGE_FLOOR)}.js"></script>`,
    },
  ];
  for (const name of PEERS) {
    const sdk = SDKS.find((s) => s.name === name)!;
    const cached = path.join(tmpDir, `${slug(sdk)}.js`); // written by sdk-size earlier in the same run
    const js = o.quick && existsSync(cached) ? readFileSync(cached, 'utf8') : await bundle(sdk, o);
    variants.push({ name, js, tag: () => `<script async src="/js/${encodeURIComponent(name)}.js"></script>` });
    // Plausible keeps no cookie and no outbox: the same page-view tracker with closeloop's storage added.
    if (name == 'Plausible')
      variants.push({
        name: PLAUSIBLE_WITH_STORAGE,
        js: js + ';' + STORAGE_JS,
        tag: () => `<script async src="/js/${encodeURIComponent(PLAUSIBLE_WITH_STORAGE)}.js"></script>`,
      });
  }
  variants.forEach((v, i) => (v.token = `variant-${i}`));
  const sent = new Map<string, { bytes: number; requests: number; leaveBytes: number }>();
  /** Whether the page being measured is being left (requests from then on are sent on leaving). */
  let leaving = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = decodeURIComponent(req.url ?? '/');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const pg = /^\/page\/([^/]+)\/(\d+)$/.exec(url);
      const v = variants.find((x) => x.token === pg?.[1]) ?? variants.find((x) => url === `/js/${x.name}.js`);
      if (v && pg) return void res.writeHead(200, { 'content-type': 'text/html' }).end(page(v, origin, pg[2]!));
      if (v?.js) return void res.writeHead(200, { 'content-type': 'application/javascript' }).end(v.js);
      const m = /^\/sink\/([^/?]+)\/(\d+)/.exec(url);
      if (m) {
        if (m[2] !== '0') {
          // round 0 is the warm-up
          const s = sent.get(m[1]!) ?? { bytes: 0, requests: 0, leaveBytes: 0 };
          const bytes = Buffer.concat(chunks).length + Buffer.byteLength(req.url ?? '');
          s.bytes += bytes;
          if (leaving) s.leaveBytes += bytes;
          s.requests++;
          sent.set(m[1]!, s);
        }
        return void res
          .writeHead(200, {
            'content-type': 'application/json',
            'access-control-allow-origin': req.headers.origin ?? '*',
            'access-control-allow-credentials': 'true',
            'access-control-allow-headers': '*',
          })
          .end('{"status":1}');
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  // The page as a site's page: a host that is a registrable domain (Chromium sends *.localhost to this
  // machine and takes `s.localhost` as a cookie domain, not `localhost`), so cookie-based SDKs find and
  // probe the site's domain as on a real site — on 127.0.0.1 they set host-only cookies, skipping that.
  // Two characters longer than 127.0.0.1: about 4 more bytes per page view for SDKs that send the URL twice.
  const pageOrigin = origin.replace('127.0.0.1', 's.localhost');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  try {
    for (let i = o.quick ? 1 : 0; i < n + 1; i++) {
      // Interleaved, so noise spreads over all SDKs alike; every other round in reverse order, so no
      // SDK always takes the same place in a round (after the same neighbour's context teardown).
      for (const v of i % 2 ? [...variants].reverse() : variants) {
        const context = await browser.newContext({ userAgent: UA });
        const p = await context.newPage();
        const cdp = await context.newCDPSession(p);
        await cdp.send('Performance.enable');
        await p.goto(`${pageOrigin}/page/${v.token}/${i}`, { waitUntil: 'load' });
        await p.waitForTimeout(o.quick ? 1100 : 2500); // SDKs' first flush (closeloop ~1 s, Mixpanel batch 1 s)
        const { metrics } = await cdp.send('Performance.getMetrics');
        const get = (k: string) => metrics.find((m) => m.name === k)?.value ?? NaN;
        if (i > 0)
          samples.get(v.name)!.push({ task: get('TaskDuration') * 1000, script: get('ScriptDuration') * 1000 });
        leaving = true;
        await p.close({ runBeforeUnload: true });
        await context.close();
        await new Promise((r) => setTimeout(r, 100)); // the leave beacons arrive
        leaving = false;
      }
      log(`page-cost: round ${i}/${n} done`);
    }
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await browser.close();
    server.close();
  }
  const base = samples.get(variants[0]!.name)!;
  const bTask = median(base.map((s) => s.task));
  const bScript = median(base.map((s) => s.script));
  const rows = variants.map((v) => {
    const s = samples.get(v.name)!;
    const task = median(s.map((x) => x.task)),
      script = median(s.map((x) => x.script));
    // Paired by round (every variant loads once per round, next to the baseline): the spread of the difference.
    const paired = s.map((x, i) => x.task - base[i]!.task);
    const out = sent.get(v.token!);
    return {
      v,
      task,
      script,
      dTask: task - bTask,
      dScript: script - bScript,
      pairedMedian: median(paired),
      pairedQ1: quantile(paired, 0.25),
      pairedQ3: quantile(paired, 0.75),
      bytes: (out?.bytes ?? 0) / n,
      leave: (out?.leaveBytes ?? 0) / n,
      reqs: (out?.requests ?? 0) / n,
    };
  });
  const ours = rows.find((r) => r.v.name === 'closeloop')!;
  const failures = ours.reqs === 0 ? ['closeloop sent nothing to the sink: the page view was not recorded'] : [];
  const markdown = [
    table(
      [
        'page',
        'SDK JS KB (min)',
        'main-thread task ms',
        'script ms',
        'task ms over baseline',
        'same, paired by round: median (p25 – p75)',
        'script ms over baseline',
        'bytes sent / page view',
        'of which on leaving',
        'requests / page view',
      ],
      rows.map((r) => [
        r.v.name,
        r.v.js ? fmt(r.v.js.length / 1024, 1) : '0',
        fmt(r.task, 1),
        fmt(r.script, 1),
        signed(r.dTask),
        `${signed(r.pairedMedian)} (${signed(r.pairedQ1)} – ${signed(r.pairedQ3)})`,
        signed(r.dScript),
        fmt(r.bytes),
        fmt(r.leave),
        fmt(r.reqs, 1),
      ]),
    ),
    '',
    `Method: Chromium (${CHROMIUM}, headless) via Playwright; the same page per SDK (at s.localhost, so cookie-based SDKs ` +
      "find the site's domain as on a real site; they send to a sink on 127.0.0.1), loaded in a fresh browser context " +
      `(no cookies) ${n} times, interleaved across SDKs (every other round in reverse order)${o.quick ? '' : ' after one warm-up round'}; metrics are CDP Performance.getMetrics ` +
      "TaskDuration / ScriptDuration of the page's renderer after load + a wait for the first flush (medians). " +
      '"Over baseline" subtracts the same page without any SDK, measured in the same run; "paired by round" takes ' +
      "each round's difference to the baseline's load of that round, and gives their median and quartiles (how far " +
      'apart two SDKs really are: overlapping ranges are no difference). "' +
      STORAGE_FLOOR +
      '" is a script of five statements — read, write and read a cookie; read and write localStorage — the floor for a ' +
      'tracker that keeps a first-party cookie and an outbox that survives the page (waits on the browser process, not ' +
      'computing). "' +
      PLAUSIBLE_WITH_STORAGE +
      "\" is Plausible's bundle followed by those five statements: Plausible as it would be with closeloop's storage. " +
      'Bytes sent = request bodies + ' +
      'URLs the local sink received from the page, divided by page views; "on leaving" is the part sent when the page ' +
      'was closed. Peers are the bundles of benchmarks/sdk-size.ts, pointed at the sink; PostHog with remote config, ' +
      "recording and surveys off; Mixpanel's core entry (no recorder).",
  ].join('\n');
  return {
    title: 'SDK cost in the page',
    markdown,
    headlines: [
      `main-thread time over a page without SDK (median of ${n}): ` +
        rows
          .slice(1)
          .map(
            (r) =>
              `${r.v.name} ${signed(r.dTask)} ms (paired p25–p75 ${signed(r.pairedQ1)} – ${signed(r.pairedQ3)}), ${fmt(r.bytes)} B sent per page view`,
          )
          .join('; '),
    ],
    failures,
  };
}

runIfMain(import.meta.url, sdkPageCost);
