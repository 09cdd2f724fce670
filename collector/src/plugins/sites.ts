/**
 * Infrastructure plugin: `app.sites`, the site cache (sites/cache.ts), loaded at start — or, when
 * ClickHouse cannot be read, from the copy saved on disk (`copyFile`), so events are still accepted.
 */
import fp from 'fastify-plugin';
import { SiteCache } from '../sites/cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    sites: SiteCache;
  }
}

export default fp<{ copyFile?: string }>(
  async (app, { copyFile }) => {
    const cache = new SiteCache(app.db, copyFile);
    try {
      await cache.load();
    } catch (err) {
      if (!cache.loadCopy())
        app.log.warn({ err }, 'sites: ClickHouse unreadable and no saved copy: only the demo site is known');
      else app.log.warn({ err }, 'sites: ClickHouse unreadable, using the saved copy of the site list');
    }
    app.decorate('sites', cache);
  },
  { name: 'sites', dependencies: ['clickhouse'] },
);
