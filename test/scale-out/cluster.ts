/**
 * TEST ONLY — pieces of the several-collectors-one-store test: collector processes (from source)
 * writing to CLICKHOUSE_URL, and Debian's nginx in front of them as an `upstream`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../collector/src/base/paths.js';
import { ADMIN_TOKEN, CHROME_UA, batch, pageview } from '../../collector/src/app/test-support.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Collector {
  readonly base: string;
  child: ChildProcess;
}

/** `node --import tsx collector/src/app/server.ts` on its own data directory (its own spool), writing to `clickhouseUrl`. */
export async function startCollector(opts: {
  port: number;
  dataDir: string;
  clickhouseUrl: string;
  env?: Record<string, string>;
}): Promise<Collector> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'collector/src/app/server.ts')], {
    cwd: PACKAGE_ROOT,
    env: {
      ...process.env,
      PORT: String(opts.port),
      HOST: '127.0.0.1',
      CLOSELOOP_DATA_DIR: opts.dataDir,
      CLOSELOOP_ADMIN_TOKEN: ADMIN_TOKEN,
      CLICKHOUSE_URL: opts.clickhouseUrl,
      CLICKHOUSE_DATABASE: 'scaleout',
      CLOSELOOP_DEMO: 'true',
      CLOSELOOP_DEMO_DATA: 'false',
      CLOSELOOP_LOG_LEVEL: 'warn',
      CLOSELOOP_INSERT_INTERVAL_MS: '20',
      CLOSELOOP_RATE_LIMIT: '0',
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${opts.port}`;
  await waitFor(`collector on ${opts.port}`, async () => {
    if (child.exitCode !== null) throw new Error(`collector exited ${child.exitCode}: ${stderr}`);
    return (await fetch(`${base}/healthz`)).ok;
  });
  return { base, child };
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/** nginx (daemon off, files in `dir`) balancing `/` over the collectors; a refused connection goes to the next one. */
export function startNginx(dir: string, port: number, upstreams: readonly number[]): ChildProcess {
  mkdirSync(dir, { recursive: true });
  const tmp = (name: string) => path.join(dir, name);
  writeFileSync(
    tmp('nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${tmp('nginx.pid')};
error_log ${tmp('nginx-error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${tmp('body')}; proxy_temp_path ${tmp('proxy')}; fastcgi_temp_path ${tmp('fcgi')};
  uwsgi_temp_path ${tmp('uwsgi')}; scgi_temp_path ${tmp('scgi')};
  upstream collectors {
${upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=1s;`).join('\n')}
    keepalive 16;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://collectors;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
    }
  }
}
`,
  );
  return spawn(process.env.NGINX_PATH ?? '/usr/sbin/nginx', ['-c', tmp('nginx.conf'), '-p', dir], { stdio: 'inherit' });
}

/** Clients sending batches of 10 page views through `base` until stopped; ids of acknowledged (202) events. */
export function load(base: string, clients: number) {
  const acked: string[] = [];
  const statuses = new Map<number, number>();
  let stopped = false;
  const done = Promise.all(
    Array.from({ length: clients }, async () => {
      while (!stopped) {
        const events = Array.from({ length: 10 }, () => pageview());
        const res = await fetch(`${base}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
          body: JSON.stringify(batch(events)),
        }).catch(() => undefined);
        const status = res?.status ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 202) acked.push(...events.map((e) => e.id));
        else await new Promise((r) => setTimeout(r, 20)); // 503 / 502: back off a little, like the SDK
      }
    }),
  );
  return {
    acked,
    statuses,
    count: (status: number) => statuses.get(status) ?? 0,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}
