/** `GET /v1/leads/:personId` and `GET /v1/leads?email=…` (site secret key, or admin token + `site`): a lead's timeline. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { leadTimeline, personIdForEmail } from '../crm/leads.js';
import { ClError } from '../base/errors.js';
import { parseOrThrow } from '../base/validation.js';
import { siteOfRequest } from '../sites/authorize.js';

export const LeadsQuery = z.object({ site: z.string().max(253).optional(), email: z.string().max(254).optional() });
export const LeadParams = z.object({ personId: z.guid('must be a person id (UUID)') });

const leadsRoutes: FastifyPluginAsync = async (app) => {
  const answer = async (siteId: string, personId: string | null, what: string) => {
    const timeline = personId ? await leadTimeline(app.db, siteId, personId) : null;
    if (!timeline) throw new ClError('CL_NOT_FOUND', `No lead ${what} on site '${siteId}'.`);
    return timeline;
  };
  app.get('/v1/leads', async (req) => {
    const q = parseOrThrow(LeadsQuery, req.query);
    const site = await siteOfRequest(app, req, q.site, 'leads');
    if (!q.email)
      throw new ClError('CL_INVALID_REQUEST', 'Give ?email=… or ask for /v1/leads/<person id>.', { path: 'email' });
    return answer(site, personIdForEmail(site, q.email), `with the email ${q.email}`);
  });
  app.get('/v1/leads/:personId', async (req) => {
    const q = parseOrThrow(LeadsQuery, req.query);
    const { personId } = parseOrThrow(LeadParams, req.params);
    const site = await siteOfRequest(app, req, q.site, 'leads');
    return answer(site, personId.toLowerCase(), personId);
  });
};

export default leadsRoutes;
