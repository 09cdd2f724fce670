/**
 * Process entry of the collector: config from the environment, buildApp, listen, and a graceful
 * shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests, write queued rows,
 * close ClickHouse). `closeloop start` and `node dist/collector/src/app/server.js` both land here.
 */
import { pathToFileURL } from 'node:url';
import { withAdminToken } from './admin-token.js';
import { buildApp } from './app.js';
import { hasDemoData, seedDemoData } from '../demo/seed.js';
import { loadConfig, localAddress, type Config } from '../base/config.js';
import { forgetCollector, recordCollector } from './running-collector.js';
import { DEMO_SITE } from '../sites/demo.js';
import { missingNodeFlags } from '../base/node-flags.js';

export async function runServer(
  baseConfig: Config,
  print: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<void> {
  const { config, generated } = withAdminToken(baseConfig);
  const app = await buildApp(config);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => {
        forgetCollector(config.dataDir); // clean shutdown: no collector runs on this data directory now
        process.exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const base = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
  // CLI commands on this data directory find this collector here (and never open its store).
  recordCollector(config.dataDir, `http://${localAddress(config.host)}:${port}`);
  if (config.demo && config.demoData && app.schema.ready && !(await hasDemoData(app.db))) {
    // Seeded landing pages on this collector's own demo site, whatever its port.
    const seeded = await seedDemoData(app.db, Date.now(), undefined, base);
    print(
      `  demo data:   ${seeded.visitors} visitors, ${seeded.events} events, ${seeded.leads} leads, ${seeded.deals} deals over 90 days (generated; CLOSELOOP_DEMO_DATA=false to start empty)`,
    );
  }
  const storage = config.clickhouse.url
    ? `ClickHouse at ${config.clickhouse.url}`
    : `embedded ClickHouse in ${config.dataDir}`;
  print('');
  print(`  closeloop collector listening on ${base}  (${storage})`);
  print(`  script tag:  <script async src="${base}/cl.js" data-site="SITE_KEY"></script>`);
  if (config.demo) {
    print(
      `  demo site:   ${base}/demo/?utm_source=newsletter&utm_medium=email&utm_campaign=launch   (site key ${DEMO_SITE.public_key})`,
    );
    print(`  start page:  ${base}/`);
  }
  print(`  dashboard:   ${base}/dashboard/   (sign in with the admin token)`);
  print(`  API docs:    ${base}/docs`);
  print(
    `  admin token: ${generated ? `${config.adminToken}  (generated, kept in ${config.dataDir}/admin-token)` : '(from CLOSELOOP_ADMIN_TOKEN / data dir)'}`,
  );
  print(`  query:       npx closeloop sql "SELECT channel, utm_campaign, count() FROM events_with_touch GROUP BY ALL"`);
  const missing = missingNodeFlags(process.execArgv, config.nodeOptions);
  if (missing.length) {
    const how = `node ${missing.join(' ')} bin/closeloop.js start, or NODE_OPTIONS="${missing.join(' ')}"`;
    app.log.warn({ missing }, `started without the collector's Node.js flags: fewer requests/s (${how})`);
    print(
      `  node flags:  ${missing.join(' ')} not set: fewer requests/s. Start with ${how} (docs/operations.md, Deploy)`,
    );
  }
  print('');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runServer(loadConfig(process.env)).catch((err: unknown) => {
    process.stderr.write(`closeloop: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
