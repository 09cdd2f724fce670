/**
 * `GET /healthz` (the process answers) and `GET /readyz`: ready (200) while the collector can
 * acknowledge events of some site — the spool as a whole has room — with ClickHouse's state, the
 * spool depth, the insert lag and the last insert error in the body. 503 only when the whole spool
 * is full: one site at its share (CL_SITE_SPOOL_FULL) leaves the instance ready, so a load balancer
 * does not drop it for everyone because of one flooding site.
 */
import type { FastifyPluginAsync } from 'fastify';

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Unauthenticated: ClickHouse is asked at most once a second, whoever polls how often.
  let ping: { at: number; ok: Promise<boolean> } | undefined;
  app.get('/readyz', async (_req, reply) => {
    const now = Date.now();
    if (!ping || now - ping.at >= 1000) ping = { at: now, ok: app.db.ping() };
    const storage = await ping.ok;
    const s = app.spool.stats();
    return reply.code(s.full ? 503 : 200).send({
      status: s.full ? 'spool full' : 'ready',
      storage: storage ? 'ok' : 'unreachable',
      spool: {
        pending_rows: s.pendingRows,
        pending_bytes: s.pendingBytes,
        lag_seconds: Math.round(s.lagSeconds * 1000) / 1000,
        ...(s.lastError ? { last_error: s.lastError } : {}),
      },
    });
  });
};

export default healthRoutes;
