/** The `closeloop` command line: start the collector, query, manage sites and tokens. */
import { readFileSync } from 'node:fs';
import { loadConfig, parseConfigFile } from '../base/config.js';
import { ClError } from '../base/errors.js';
import { runServer } from '../app/server.js';
import { isTimeZone } from '../scope/time-zone.js';
import { parseArgs } from './args.js';
import { backupCommand, restoreCommand } from './backup.js';
import { importCsv, parseMapping } from './import.js';
import { sitesAddCommand, sitesListCommand, sitesSetCommand } from './sites.js';
import { privacyCommand } from './privacy.js';
import { sqlCommand } from './sql.js';
import { tokensAddCommand, tokensListCommand, tokensRevokeCommand } from './tokens.js';

/** Per command: its usage line(s), what it does, and its options with defaults. */
const COMMANDS: Record<string, string> = {
  start: `closeloop start [--demo] [--port N] [--host H] [--config FILE]
  Run the collector. Production mode needs CLOSELOOP_ADMIN_TOKEN.
    --demo          serve the demo site (/demo/), generate an admin token, seed demo data (default: off)
    --port N        HTTP port (default: PORT, else 8080)
    --host H        interface to listen on (default: HOST, else localhost)
    --config FILE   KEY=value settings (docs/operations.md's configuration keys); the environment wins`,
  sql: `closeloop sql "<SELECT …>" [--json] [--key at_…] [--config FILE]
  Run one SELECT over closeloop's tables (events, people, touchpoints, attributed_touches, …).
    --json          print JSON rows instead of a table (default: table)
    --key at_…      an analyst token instead of the admin token`,
  sites: `closeloop sites add <domain> [--name NAME] [--config FILE]
closeloop sites set <site id> [--name NAME] [--domains a.com,b.com] [--retention-days N] [--time-zone TZ] [--source-fields a,b] [--config FILE]
closeloop sites list [--config FILE]
  Register a site (prints its script tag, public key and — once — secret key), change one, or list them.
    --name NAME          display name (default: the domain)
    --domains a,b        the site's domains (with their subdomains) for the Origin check (default: its own)
    --retention-days N   delete its events N days after they happened; 0 keeps them (default: 0)
    --time-zone TZ       IANA time zone of its reports' calendar days, e.g. Europe/Paris (default: UTC)
    --source-fields a,b  form fields holding "How did you hear about us?" (default: how_did_you_hear, hdyhau …)`,
  tokens: `closeloop tokens add --analyst --name NAME [--config FILE]
closeloop tokens add --share --site SITE_ID --name NAME [--config FILE]
closeloop tokens list [--site SITE_ID] [--config FILE]
closeloop tokens revoke <id> [--config FILE]
  Read-only credentials (sent as Authorization: Bearer <token>), printed once and stored hashed:
  an analyst token (at_…) runs SQL and reads every report of every site, nothing else; a share
  token (sh_…) reads one site's attribution and reports (dashboard share links). Revoked at once.
    --analyst | --share   which kind (one is required)
    --name NAME           what it is for, e.g. who has it (required)
    --site SITE_ID        share tokens: the site it opens; list: only that site's`,
  import: `closeloop import customers|stages|costs <file.csv> [options]
  Import closed deals (customers), lifecycle stage changes (stages) or spend per day and campaign
  (costs) from a CRM or ad platform export. Idempotent: importing a file again changes nothing
  (customers/stages rows without a date are dated when imported, and re-dated on a re-import).
  Bad rows are reported with their line number; the good ones are imported. Shows progress.
    --site SITE_ID   the site (needed with the admin token, or when no collector runs)
    --key sk_…       a site secret key instead of the admin token
    --map f=Header,… name columns (customers/stages: record_id, email, user_id, visitor_id, stage,
                     amount, currency, ts; costs: date, source, medium, campaign, amount, currency)
                     (default: found by the usual CRM/ad platform header names)
    --currency EUR   currency of amounts when the file has no currency column (default: none)
    --delimiter ';'  field separator (default: ',')`,
  backup: `closeloop backup <dir> [--config FILE]
  Back up the embedded store: every table's rows and DDL, and a manifest (while the collector runs, or not).`,
  privacy: `closeloop privacy export <email|visitor id> [--site S] [--key sk_…] [--out FILE]
closeloop privacy erase <email|visitor id> --yes [--site S] [--key sk_…]
  Answer a person's access request (everything stored about them, as JSON) or erasure request
  (deletes them from every table; the request is recorded in privacy_requests, subject hashed).
    --site SITE_ID   the site (needed with the admin token, or when no collector runs)
    --key sk_…       a site secret key instead of the admin token
    --out FILE       export: write the JSON to FILE (default: stdout)
    --yes            erase: confirm (nothing is deleted without it)`,
  restore: `closeloop restore <dir> [--force] [--config FILE]
  Restore a backup into the embedded store (collector stopped).
    --force         replace existing data (default: refuse when the store has data)`,
};

const HELP = `closeloop — closed-loop marketing analytics

Usage:
${Object.values(COMMANDS)
  .map((c) =>
    c
      .split('\n')
      .filter((l) => l.startsWith('closeloop'))
      .map((l) => `  ${l}`)
      .join('\n'),
  )
  .join('\n')}
  closeloop <command> --help    options of a command, with their defaults

CLI commands talk to the collector running on the data directory (it records its URL in
DATA_DIR/collector.json), else at CLOSELOOP_URL (default http://HOST:PORT), with the admin token
(CLOSELOOP_ADMIN_TOKEN, or the one the demo keeps in DATA_DIR/admin-token). When no collector runs,
they open the data directory themselves (never one another process holds). Configuration: the environment, or
--config FILE; see docs/operations.md.

Exit codes: 0 success, 1 failure (message on stderr), 2 usage error, 3 import done but some rows were rejected.`;

type Env = Record<string, string | undefined>;

export async function main(
  argv: readonly string[],
  env: Env,
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  const { positionals, flags } = parseArgs(argv, [
    'port',
    'host',
    'name',
    'site',
    'key',
    'map',
    'currency',
    'delimiter',
    'config',
    'out',
    'domains',
    'retention-days',
    'time-zone',
    'source-fields',
  ]);
  const [command, sub, arg] = positionals;
  if (!command || command === 'help' || flags.help) {
    out(command && COMMANDS[command] ? COMMANDS[command] : HELP);
    return command || flags.help ? 0 : 2;
  }
  // A config file (--config) under the environment: the environment wins.
  const fromFile =
    typeof flags.config === 'string' ? parseConfigFile(readFileSync(flags.config, 'utf8'), flags.config) : {};
  const overrides: Env = { ...fromFile, ...env };
  if (flags.demo) overrides.CLOSELOOP_DEMO = 'true';
  if (typeof flags.port === 'string') overrides.PORT = flags.port;
  if (typeof flags.host === 'string') overrides.HOST = flags.host;
  const config = loadConfig(overrides);

  switch (command) {
    case 'start':
      await runServer(config, out);
      return -1; // keeps running
    case 'sql':
      if (!sub) return usage('closeloop sql "<SELECT …>"');
      await sqlCommand(
        config,
        positionals.slice(1).join(' '),
        flags.json === true,
        out,
        typeof flags.key === 'string' ? flags.key : undefined,
      );
      return 0;
    case 'sites':
      if (sub === 'add' && arg) {
        await sitesAddCommand(config, arg, typeof flags.name === 'string' ? flags.name : undefined, out);
        return 0;
      }
      if (sub === 'set' && arg) {
        const days = flags['retention-days'];
        if (days !== undefined && !(typeof days === 'string' && /^\d+$/.test(days)))
          return usage('--retention-days takes a number of days (0: keep)');
        const tz = flags['time-zone'];
        if (tz !== undefined && !(typeof tz === 'string' && isTimeZone(tz)))
          return usage('--time-zone takes an IANA time zone such as UTC or Europe/Paris');
        const fields = flags['source-fields'];
        await sitesSetCommand(
          config,
          arg,
          {
            ...(typeof tz === 'string' ? { time_zone: tz } : {}),
            ...(typeof fields === 'string'
              ? {
                  stated_source_fields: fields
                    .split(',')
                    .map((f) => f.trim())
                    .filter(Boolean)
                    .slice(0, 20),
                }
              : {}),
            ...(typeof flags.name === 'string' ? { name: flags.name } : {}),
            ...(typeof flags.domains === 'string'
              ? {
                  domains: flags.domains
                    .split(',')
                    .map((d) => d.trim())
                    .filter(Boolean),
                }
              : {}),
            ...(typeof days === 'string' ? { retention_days: Number(days) } : {}),
          },
          out,
        );
        return 0;
      }
      if (sub === 'list') {
        await sitesListCommand(config, out);
        return 0;
      }
      return usage(
        'closeloop sites add <domain> [--name NAME] | closeloop sites set <site id> [options] | closeloop sites list',
      );
    case 'tokens': {
      const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
      if (sub === 'add') {
        const name = str('name');
        if (flags.analyst === flags.share || !name)
          return usage(
            'closeloop tokens add --analyst --name NAME | closeloop tokens add --share --site SITE_ID --name NAME',
          );
        await tokensAddCommand(
          config,
          { kind: flags.analyst ? 'analyst' : 'share', name, ...(str('site') ? { site: str('site') } : {}) },
          out,
        );
        return 0;
      }
      if (sub === 'list') {
        await tokensListCommand(config, str('site'), out);
        return 0;
      }
      if (sub === 'revoke' && arg) {
        await tokensRevokeCommand(config, arg, out);
        return 0;
      }
      return usage(
        'closeloop tokens add --analyst|--share [--site S] --name NAME | closeloop tokens list [--site S] | closeloop tokens revoke <id>',
      );
    }
    case 'import': {
      if ((sub !== 'customers' && sub !== 'stages' && sub !== 'costs') || !arg)
        return usage(
          'closeloop import customers|stages|costs <file.csv> [--site S] [--key sk_…] [--map f=Header,…] [--currency EUR] [--delimiter ;]',
        );
      const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
      const summary = await importCsv(
        config,
        {
          kind: sub,
          file: arg,
          mapping: parseMapping(str('map'), sub),
          delimiter: str('delimiter') ?? ',',
          ...(str('site') ? { site: str('site') } : {}),
          ...(str('key') ? { key: str('key') } : {}),
          ...(str('currency') ? { currency: str('currency') } : {}),
        },
        out,
      );
      return summary.rejected.length > 0 ? 3 : 0;
    }
    case 'privacy': {
      if ((sub !== 'export' && sub !== 'erase') || !arg)
        return usage('closeloop privacy export|erase <email|visitor id> [--site S] [--key sk_…] [--out FILE] [--yes]');
      if (sub === 'erase' && flags.yes !== true)
        return usage(`closeloop privacy erase ${arg} --yes  (erasing cannot be undone: add --yes)`);
      const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
      await privacyCommand(
        config,
        {
          action: sub,
          subject: arg,
          ...(str('site') ? { site: str('site') } : {}),
          ...(str('key') ? { key: str('key') } : {}),
          ...(str('out') ? { out: str('out') } : {}),
        },
        out,
      );
      return 0;
    }
    case 'backup':
      if (!sub) return usage('closeloop backup <dir>');
      await backupCommand(config, sub, out);
      return 0;
    case 'restore':
      if (!sub) return usage('closeloop restore <dir> [--force]');
      await restoreCommand(config, sub, flags.force === true, out);
      return 0;
    default:
      return usage(`unknown command '${command}'. Try: closeloop help`);
  }
}

function usage(text: string): number {
  process.stderr.write(`usage: ${text}\n`);
  return 2;
}

export function run(argv: readonly string[], env: Env): void {
  main(argv, env).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err: unknown) => {
      const msg =
        err instanceof ClError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
      process.stderr.write(`closeloop: ${msg}\n`);
      process.exitCode = 1;
    },
  );
}
