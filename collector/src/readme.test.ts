/** The README is the analysts' and operators' reference: it must name every setting, error code and column. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE } from './config.js';
import { Errors } from './errors.js';
import { PACKAGE_ROOT } from './paths.js';
import { eventsMigrations } from './storage/events.js';

const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');

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
  it('has no unfilled placeholders', () => {
    expect(readme).not.toMatch(/\b[A-Z]+_(SECTION|TABLE|NOTES)\b/);
  });
});
