/** `POST /v1/query` (admin or analyst token): one SELECT, checked by the sandbox, answered as JSON rows. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { runAnalystQuery } from '../storage/analyst-query.js';
import { parseOrThrow } from '../base/validation.js';

export const QueryBody = z.object({
  sql: z.string().trim().min(1, 'must not be empty').max(100_000),
  params: z
    .record(
      z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .max(64),
      z.union([z.string().max(10_000), z.number(), z.boolean()]),
    )
    .refine((p) => Object.keys(p).length <= 100, 'at most 100 parameters')
    .optional(),
});

const queryRoutes: FastifyPluginAsync = async (app) => {
  app.post('/v1/query', { preHandler: app.requireAnalyst }, async (req) => {
    const { sql, params } = parseOrThrow(QueryBody, req.body);
    const who = await app.principal(req);
    return runAnalystQuery(app.db, sql, params, who?.kind === 'analyst');
  });
};

export default queryRoutes;
