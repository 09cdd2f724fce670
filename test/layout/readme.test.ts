/**
 * The README and docs/ are the analysts' and operators' reference: together they must name every
 * setting, error code and column, and every relative link in them must lead to a file and heading.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE } from '../../collector/src/base/config.js';
import { Errors } from '../../collector/src/base/errors.js';
import { PACKAGE_ROOT } from '../../collector/src/base/paths.js';
import { eventsMigrations } from '../../collector/src/storage/events.js';

const DOCS = [
  'README.md',
  ...readdirSync(path.join(PACKAGE_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const text = (file: string) => readFileSync(path.join(PACKAGE_ROOT, file), 'utf8');
const readme = DOCS.map(text).join('\n');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchorsOf = (markdown: string) =>
  new Set(
    [...markdown.matchAll(/^#{1,4} (.+)$/gm)].map((m) =>
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-'),
    ),
  );

describe('README', () => {
  it('documents every configuration variable', () => {
    for (const [key] of CONFIG_REFERENCE) expect(readme, key).toContain(`\`${key}\``);
  });
  it('documents every error code', () => {
    for (const code of Object.keys(Errors)) expect(readme, code).toContain(`\`${code}\``);
  });
  it('documents every column of the events table', () => {
    const ddl = eventsMigrations.flatMap((m) => m.statements('closeloop')).join('\n');
    const columns = [...ddl.matchAll(/^\s{8}([a-z_]+)\s+[A-Z]/gm)].map((m) => m[1]!);
    expect(columns.length).toBeGreaterThan(30);
    for (const c of columns) expect(readme, c).toContain(`\`${c}\``);
  });
  it('links only to files and headings that exist', () => {
    for (const file of DOCS) {
      for (const [, target] of text(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|\/)/.test(target!)) continue;
        const [rel, anchor] = target!.split('#');
        const linked = rel ? path.join(path.dirname(file), rel) : file;
        expect(existsSync(path.join(PACKAGE_ROOT, linked)), `${file} → ${target}`).toBe(true);
        if (anchor && linked.endsWith('.md')) expect(anchorsOf(text(linked)), `${file} → ${target}`).toContain(anchor);
      }
    }
  });
  it('keeps the README short: what, quick start, the two commands, links', () => {
    expect(text('README.md').split('\n').length).toBeLessThan(250);
  });
  it('has no unfilled placeholders', () => {
    expect(readme).not.toMatch(/\b[A-Z]+_(SECTION|TABLE|NOTES)\b/);
  });
});
