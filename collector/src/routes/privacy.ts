/**
 * `POST /v1/privacy/export` and `POST /v1/privacy/erase` (site secret key, or admin token + `site`):
 * answer a person's access or erasure request, by email or visitor id (privacy/requests.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { normalizeEmail } from '../identity/person.js';
import { eraseSubject, exportSubject } from '../privacy/requests.js';
import { parseOrThrow } from '../base/validation.js';
import { siteOfRequest } from '../sites/authorize.js';

export const PrivacyBody = z
  .object({
    site: z.string().max(253).optional(),
    email: z
      .string()
      .trim()
      .max(254)
      .refine((e) => normalizeEmail(e) !== null, 'must be an email address')
      .optional(),
    visitor_id: z
      .guid('must be a visitor id (UUID)')
      .transform((s) => s.toLowerCase())
      .optional(),
  })
  .refine((b) => b.email || b.visitor_id, { message: 'name the person: email or visitor_id', path: ['email'] });

const privacyRoutes: FastifyPluginAsync = async (app) => {
  const who = (b: z.output<typeof PrivacyBody>) => ({
    ...(b.email ? { email: b.email } : {}),
    ...(b.visitor_id ? { visitor_id: b.visitor_id } : {}),
  });
  app.post('/v1/privacy/export', async (req) => {
    const raw = req.body as { site?: unknown } | undefined;
    const site = await siteOfRequest(app, req, typeof raw?.site === 'string' ? raw.site : undefined);
    return exportSubject(app, site, who(parseOrThrow(PrivacyBody, req.body)));
  });
  app.post('/v1/privacy/erase', async (req) => {
    const raw = req.body as { site?: unknown } | undefined;
    const site = await siteOfRequest(app, req, typeof raw?.site === 'string' ? raw.site : undefined);
    return eraseSubject(app, site, who(parseOrThrow(PrivacyBody, req.body)));
  });
};

export default privacyRoutes;
