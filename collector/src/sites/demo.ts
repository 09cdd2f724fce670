/** The demo site (`closeloop start --demo`): known even before ClickHouse answers, served on local hosts. */
import type { Site } from '../storage/sites.js';

export const DEMO_SITE: Site = Object.freeze({
  site_id: 'demo',
  public_key: 'pk_demo',
  name: 'closeloop demo site',
  domains: ['localhost', '127.0.0.1'],
  created_at: '',
}) as Site;
