/**
 * Channel classifier accuracy against test cases published by peer projects.
 *   npx tsx benchmarks/channel-accuracy.ts [--verbose]     (or: npm run check:channels)
 * Reads ../shared/testdata relative to the repo root. Not a unit test: those files are not
 * part of the repository (the referer-parser ones are GPL-derived and must stay outside it).
 * Prints a score per file and every disagreement; docs/channels.md explains each category.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyChannel, type Channel, type ChannelResult } from '../collector/src/ingest/channel.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(repoRoot, '..', 'shared', 'testdata');

interface RefererCase {
  spec: string;
  uri: string;
  medium: string;
  source: string | null;
}
interface DbtCase {
  source: string;
  medium: string;
  campaign: string;
  expected_channel: string;
  suspect?: string;
}
interface Outcome {
  total: number;
  right: number;
  lines: string[];
}

// referer-parser media → the closeloop channel(s) that agree with them.
const PAID: readonly Channel[] = [
  'Paid Search',
  'Paid Social',
  'Paid Video',
  'Paid Shopping',
  'Paid Other',
  'Display',
  'Cross-network',
];
const AGREES: Readonly<Record<string, (r: ChannelResult) => boolean>> = {
  search: (r) => r.channel === 'Organic Search',
  social: (r) => r.channel === 'Organic Social',
  email: (r) => r.channel === 'Email',
  chatbot: (r) => r.channel === 'AI Assistant',
  paid: (r) => PAID.includes(r.channel),
  internal: (r) => r.medium === 'internal',
  unknown: (r) => r.channel === 'Referral',
};

// The page the referer-parser tests assume (README: page host www.snowplowanalytics.com), with
// the site's other subdomains configured as siteDomains like referer-parser's internal domains.
const PAGE = 'https://www.snowplowanalytics.com/';
const SITE_DOMAINS = ['snowplowanalytics.com'];
const VERBOSE = process.argv.includes('--verbose'); // also list source-name mismatches

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(dataDir, file), 'utf8')) as T;
}

/** Loose source-name agreement: 'Google Images' ~ 'google', 'Mail.ru' ~ 'mail.ru'. */
function sameSource(expected: string | null, actual: string): boolean {
  if (expected === null) return true;
  const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const e = squash(expected);
  const a = squash(actual);
  const firstWord = squash(expected.split(/[\s.]/)[0] ?? '');
  return e === a || (firstWord !== '' && a.startsWith(firstWord)) || (a !== '' && e.startsWith(a));
}

function checkReferer(file: string): Outcome & { sourceRight: number } {
  const cases = readJson<RefererCase[]>(file);
  const out = { total: cases.length, right: 0, sourceRight: 0, lines: [] as string[] };
  for (const c of cases) {
    const r = classifyChannel({ referrer: c.uri, landing_url: PAGE, siteDomains: SITE_DOMAINS });
    const agrees = AGREES[c.medium] ?? (() => false);
    const sourceAgrees = sameSource(c.source, r.source);
    if (sourceAgrees) out.sourceRight++;
    if (agrees(r)) {
      out.right++;
      if (!sourceAgrees && VERBOSE)
        out.lines.push(`  (source name only) ${c.source} vs ${r.source}  ${c.uri.slice(0, 60)}`);
    } else
      out.lines.push(
        `  ${c.medium}/${c.source ?? '-'}  got ${r.channel} (${r.source} / ${r.medium})  ${c.uri.slice(0, 80)}`,
      );
  }
  return out;
}

function checkDbt(file: string): Outcome & { suspect: number } {
  const { cases } = readJson<{ cases: DbtCase[] }>(file);
  const out = { total: cases.length, right: 0, suspect: 0, lines: [] as string[] };
  for (const c of cases) {
    // GA4 session source/medium as inputs; '(direct)' means no utm and no referrer at all.
    const direct = c.source === '(direct)';
    const r = classifyChannel({
      referrer: '',
      landing_url: PAGE,
      ...(direct ? {} : { utm_source: c.source, utm_medium: c.medium, utm_campaign: c.campaign }),
    });
    if (c.suspect) out.suspect++;
    if (r.channel === c.expected_channel) out.right++;
    else {
      const tag = c.suspect ? ' [marked suspect upstream]' : '';
      out.lines.push(
        `  (${c.source}, ${c.medium}, ${c.campaign}) expected ${c.expected_channel}, got ${r.channel}${tag}`,
      );
    }
  }
  return out;
}

function main(): void {
  if (!existsSync(dataDir)) {
    console.error(
      `channel-accuracy: test data not found at ${dataDir}\n` +
        'It lives outside the repository (../shared/testdata); nothing to measure.',
    );
    process.exit(1);
  }
  const pct = (n: number, d: number): string => `${((100 * n) / d).toFixed(1)}%`;
  for (const file of ['referer-tests.json', 'referer-tests-c91e3e1-with-internal.json']) {
    if (!existsSync(path.join(dataDir, file))) {
      console.log(`${file}: missing, skipped`);
      continue;
    }
    const o = checkReferer(file);
    console.log(
      `${file}: channel ${o.right}/${o.total} (${pct(o.right, o.total)}), ` +
        `source name (loose) ${o.sourceRight}/${o.total}`,
    );
    for (const line of o.lines) console.log(line);
  }
  const dbt = 'dbt-ga4-channel-cases.json';
  if (existsSync(path.join(dataDir, dbt))) {
    const o = checkDbt(dbt);
    console.log(
      `${dbt}: ${o.right}/${o.total} (${pct(o.right, o.total)}); ` +
        `${o.right}/${o.total - o.suspect} excluding the ${o.suspect} case marked suspect upstream`,
    );
    for (const line of o.lines) console.log(line);
  }
}

main();
