/**
 * `closeloop privacy export|erase <email | visitor id> --site S [--key sk_…] [--yes]`: answer an
 * access or erasure request — through the running collector, or, when none runs, with the
 * collector's app opened on the data directory (so its spool is written first).
 */
import { writeFileSync } from 'node:fs';
import { buildApp } from '../app/app.js';
import type { Config } from '../base/config.js';
import { eraseSubject, exportSubject, type Who } from '../privacy/requests.js';
import { CollectorUnreachable, httpAdminClient } from './admin-client.js';

export interface PrivacyOptions {
  action: 'export' | 'erase';
  subject: string;
  site?: string;
  key?: string;
  /** export: write the JSON here instead of stdout. */
  out?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function privacyCommand(config: Config, opts: PrivacyOptions, print: (s: string) => void): Promise<void> {
  const who: Who = UUID.test(opts.subject) ? { visitor_id: opts.subject.toLowerCase() } : { email: opts.subject };
  let result: unknown;
  try {
    result = await httpAdminClient(config, opts.key).call('POST', `/v1/privacy/${opts.action}`, {
      ...(opts.site ? { site: opts.site } : {}),
      ...who,
    });
  } catch (err) {
    if (!(err instanceof CollectorUnreachable)) throw err;
    if (!opts.site)
      throw new Error('no collector running: name the site with --site <site id> to work on the store directly');
    const app = await buildApp(config, { logger: false });
    try {
      result =
        opts.action === 'export' ? await exportSubject(app, opts.site, who) : await eraseSubject(app, opts.site, who);
    } finally {
      await app.close();
    }
  }
  const text = JSON.stringify(result, null, 2);
  if (opts.action === 'export' && opts.out) {
    writeFileSync(opts.out, `${text}\n`);
    print(`exported to ${opts.out}`);
  } else print(text);
}
