/**
 * First-party deployment behind a real nginx (Debian's, started here on loopback with the
 * configuration in examples/deploy/nginx.conf): a test site on www.shop.test loads the script from
 * /cl/cl.js, events reach the collector through the proxy, the visitor cookie comes from the
 * server on the site's own domain, and X-Forwarded-For is believed only from the proxy.
 *
 * This spec runs its own collector (not the shared one) so it can read its JSON request logs and
 * trust the proxy's address: nginx connects from 127.0.1.3 (`proxy_bind`), the browser and this
 * test from 127.0.0.1, and the collector trusts 127.0.1.3 only. Logs show addresses truncated to
 * their /24 (CLOSELOOP_LOG_IP default): 127.0.0.0 is the browser, 127.0.1.0 would be the proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, request as http, type APIRequestContext } from '@playwright/test';
import config, { E2E_PORT } from '../../../playwright.config.js';
import { expect, test, useVariant } from './support.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Next to the shared collector's port, so runs with another CL_E2E_PORT do not collide.
const COLLECTOR_PORT = E2E_PORT + 10;
const NGINX_PORT = E2E_PORT + 11;
const TOKEN = 'proxy-admin-token-0123456789';
const PROXY_ADDRESS = '127.0.1.3'; // another /24 than the browser's 127.0.0.1: logs keep addresses truncated to /24
const dir = mkdtempSync(path.join(os.tmpdir(), 'closeloop-proxy-'));
chmodSync(dir, 0o755); // nginx workers run as an unprivileged user: they must read the site root

let collector: ChildProcess;
let nginx: ChildProcess;
let api: APIRequestContext;
const logs: Record<string, unknown>[] = [];

/** Resolves once `url` answers 2xx. */
async function waitFor(url: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > end) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The tested nginx.conf, with loopback ports, a temp site root and nginx's own files in `dir`. */
function nginxConfig(): string {
  const site = readFileSync(path.join(ROOT, 'examples/deploy/nginx.conf'), 'utf8')
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${COLLECTOR_PORT};`)
    .replace('listen 80;', `listen 127.0.0.1:${NGINX_PORT};`)
    .replace('server_name www.shop.example;', 'server_name www.shop.test;')
    .replace('root /var/www/shop;', `root ${path.join(dir, 'site')};`)
    .replace('proxy_http_version 1.1;', `proxy_http_version 1.1;\n        proxy_bind ${PROXY_ADDRESS};`);
  expect(site).toContain(`proxy_bind ${PROXY_ADDRESS}`);
  const tmp = (name: string) => path.join(dir, name);
  return `daemon off;
worker_processes 1;
pid ${tmp('nginx.pid')};
error_log ${tmp('nginx-error.log')} warn;
events { worker_connections 64; }
http {
  access_log ${tmp('nginx-access.log')};
  client_body_temp_path ${tmp('body')}; proxy_temp_path ${tmp('proxy')}; fastcgi_temp_path ${tmp('fcgi')};
  uwsgi_temp_path ${tmp('uwsgi')}; scgi_temp_path ${tmp('scgi')};
  types { text/html html; application/javascript js; }
${site}
}
`;
}

test.beforeAll(async () => {
  collector = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/closeloop.js'), 'start', '--demo', '--port', String(COLLECTOR_PORT), '--host', '127.0.0.1'],
    {
      env: {
        ...process.env,
        CLOSELOOP_DATA_DIR: path.join(dir, 'data'),
        CLOSELOOP_ADMIN_TOKEN: TOKEN,
        CLOSELOOP_DEMO_DATA: 'false',
        CLOSELOOP_TRUST_PROXY: PROXY_ADDRESS,
        CLOSELOOP_LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let buffered = '';
  collector.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  await waitFor(`http://127.0.0.1:${COLLECTOR_PORT}/readyz`);
  api = await http.newContext({
    baseURL: `http://127.0.0.1:${COLLECTOR_PORT}`,
    extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` },
  });
  const site = (await (await api.post('/v1/admin/sites', { data: { domain: 'shop.test', name: 'Shop' } })).json()) as {
    public_key: string;
  };

  mkdirSync(path.join(dir, 'site'), { recursive: true });
  writeFileSync(
    path.join(dir, 'site', 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<script async src="/cl/cl.js" data-site="${site.public_key}"></script></head>
<body><h1>Shop</h1><a id="next" href="/index.html?page=2">next</a></body></html>`,
  );
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig());
  nginx = spawn(process.env.NGINX_PATH ?? '/usr/sbin/nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], {
    stdio: 'inherit',
  });
  await waitFor(`http://127.0.0.1:${NGINX_PORT}/index.html`);
});

test.afterAll(async () => {
  await api?.dispose();
  nginx?.kill('SIGTERM');
  collector?.kill('SIGTERM');
});

test('events, the script and the server-set visitor cookie go through nginx on the site domain; X-Forwarded-For is believed only from the proxy', async () => {
  const launch = config.use!.launchOptions!;
  const browser = await chromium.launch({
    ...launch,
    args: [...launch.args!, '--host-resolver-rules=MAP www.shop.test 127.0.0.1'],
  });
  try {
    const context = await browser.newContext();
    await useVariant(context, test.info());
    const page = await context.newPage();
    await page.goto(
      `http://www.shop.test:${NGINX_PORT}/index.html?utm_source=newsletter&utm_medium=email&utm_campaign=proxy`,
    );
    const visitor = await page
      .waitForFunction(() =>
        (window as unknown as { closeloop?: { getVisitorId?(): string } }).closeloop?.getVisitorId?.(),
      )
      .then((h) => h.jsonValue());
    await page.click('#next');
    await page.waitForURL(/page=2/);

    // The events arrived through the proxy, with the campaign.
    await expect
      .poll(
        async () => {
          const res = await api.post('/v1/query', {
            data: {
              sql: "SELECT path, utm_campaign, hostname FROM events_with_touch WHERE site_id = 'shop.test' AND visitor_id = toUUID({v:String}) AND type = 'pageview' ORDER BY ts",
              params: { v: visitor },
            },
          });
          return ((await res.json()) as { rows: unknown[] }).rows;
        },
        { timeout: 15_000 },
      )
      .toEqual([
        { path: '/index.html', utm_campaign: 'proxy', hostname: 'www.shop.test' },
        { path: '/index.html', utm_campaign: 'proxy', hostname: 'www.shop.test' },
      ]);

    // The collector's own cookie came through the proxy: HttpOnly, on the site's host, same id.
    const cookies = await context.cookies(`http://www.shop.test:${NGINX_PORT}/`);
    const serverSet = cookies.filter((c) => c.httpOnly);
    expect(serverSet.length, JSON.stringify(cookies)).toBeGreaterThan(0);
    expect(serverSet[0]).toMatchObject({
      domain: 'www.shop.test',
      value: expect.stringContaining(String(visitor)),
      sameSite: 'Lax',
    });

    // Client IP: the browser's address (from the proxy's X-Forwarded-For), not the proxy's.
    const eventLogs = () => logs.filter((l) => (l.req as { url?: string } | undefined)?.url === '/v1/events');
    await expect.poll(() => eventLogs().length).toBeGreaterThan(0);
    for (const l of eventLogs()) expect((l.req as { remoteAddress: string }).remoteAddress).toBe('127.0.0.0');

    // A client cannot claim another address: nginx overwrites X-Forwarded-For, and the collector
    // ignores it from anyone but the proxy.
    const before = logs.length;
    await fetch(`http://127.0.0.1:${NGINX_PORT}/cl/healthz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    await fetch(`http://127.0.0.1:${COLLECTOR_PORT}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    await expect
      .poll(() => logs.slice(before).filter((l) => (l.req as { url?: string } | undefined)?.url === '/healthz').length)
      .toBe(2);
    const health = logs.slice(before).filter((l) => (l.req as { url?: string } | undefined)?.url === '/healthz');
    expect(health.map((l) => (l.req as { remoteAddress: string }).remoteAddress)).toEqual(['127.0.0.0', '127.0.0.0']);

    // Internal endpoints are not reachable through the proxy.
    expect((await fetch(`http://127.0.0.1:${NGINX_PORT}/cl/metrics`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${NGINX_PORT}/cl/v1/query`, { method: 'POST' })).status).toBe(404);
  } finally {
    await browser.close();
  }
});
