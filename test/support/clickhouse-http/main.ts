/**
 * TEST ONLY — process entry of the chDB-backed ClickHouse HTTP server (see server.ts).
 *   node --import tsx test/support/clickhouse-http/main.ts --data-dir DIR [--port N] [--user U] [--password P]
 * Prints one line `{"port":N}` on stdout once it listens; SIGTERM/SIGINT close it.
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ClickHouseHttpServer } from './server.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    user: { type: 'string', default: 'default' },
    password: { type: 'string', default: '' },
  },
});
const dataDir = values['data-dir'];
if (!dataDir) throw new Error('--data-dir is required');
mkdirSync(dataDir, { recursive: true });
const server = new ClickHouseHttpServer({ dataDir, user: values.user, password: values.password });
const port = await server.listen(Number(values.port), values.host);
process.stdout.write(`${JSON.stringify({ port })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.close().finally(() => process.exit(0));
  });
}
