/** `GET /healthz` (the process answers) and `GET /readyz` (and its storage answers too). */
import type { FastifyPluginAsync } from 'fastify';

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const storage = await app.db.ping();
    return reply.code(storage ? 200 : 503).send({ status: storage ? 'ready' : 'unavailable', storage: storage ? 'ok' : 'unreachable' });
  });
};

export default healthRoutes;
