/**
 * Infrastructure plugin: `app.requireAdmin`, a preHandler that admits requests carrying the
 * admin token (`Authorization: Bearer <token>`), compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ClError } from '../errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin: (req: FastifyRequest) => Promise<void>;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export default fp<{ adminToken: string | undefined }>(
  async (app, { adminToken }) => {
    const expected = adminToken ? digest(adminToken) : undefined;
    app.decorate('requireAdmin', async (req: FastifyRequest) => {
      const token = bearerToken(req);
      if (!expected || !token || !timingSafeEqual(digest(token), expected)) throw new ClError('CL_UNAUTHORIZED');
    });
  },
  { name: 'auth' },
);
