/**
 * Infrastructure plugin: opens ClickHouse (embedded chDB or CLICKHOUSE_URL), applies the schema
 * migrations, decorates `app.db`, and closes the connection when the app closes.
 */
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { openDb, type Db } from '../storage/db.js';
import { migrate } from '../storage/migrations.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export default fp<{ config: Config }>(
  async (app, { config }) => {
    const db = await openDb(config);
    try {
      const applied = await migrate(db);
      if (applied.length) app.log.info({ applied, kind: db.kind }, 'schema migrations applied');
    } catch (err) {
      await db.close();
      throw err;
    }
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await db.close();
    });
  },
  { name: 'clickhouse' },
);
