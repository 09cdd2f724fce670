/** `POST /v1/admin/backup` (admin token): back up the embedded store into a directory on the collector's host. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { backup } from '../storage/backup.js';
import { parseOrThrow } from '../base/validation.js';

export const BackupBody = z.object({ dir: z.string().min(1).max(1024) });

const adminBackupRoutes: FastifyPluginAsync = async (app) => {
  app.post('/v1/admin/backup', { preHandler: app.requireAdmin }, async (req) => {
    const { dir } = parseOrThrow(BackupBody, req.body);
    const manifest = await backup(app.db, dir, (msg) => req.log.info(msg));
    return { dir, ...manifest };
  });
};

export default adminBackupRoutes;
