// The install a new user (and CI) runs: `npm ci` on a fresh clone. npm ci refuses a lock file that
// lacks any optional dependency of a locked package (chDB's per-platform libraries), and warns
// EBADENGINE for every locked package whose `engines.node` the Node we claim to support misses.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  version?: string;
  optional?: boolean;
  engines?: { node?: string };
  optionalDependencies?: Record<string, string>;
}

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** Node's resolution for `name` required from the package at `from` (a lock key). */
function resolve(from: string, name: string): LockedPackage | undefined {
  let dir = from;
  for (;;) {
    const hit = lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`];
    if (hit) return hit;
    if (!dir) return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut < 0 ? '' : dir.slice(0, cut);
  }
}

describe('package-lock.json (what `npm ci` on a fresh clone checks)', () => {
  it('records every optional dependency of every locked package, other platforms included', () => {
    const missing: string[] = [];
    for (const [key, entry] of Object.entries(lock.packages)) {
      for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
        const found = resolve(key, name);
        if (!found?.version || !semver.satisfies(found.version, range, { includePrerelease: true })) {
          missing.push(`${key || '(root)'} → ${name}@${range}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(lock.packages['node_modules/@chdb/lib-darwin-arm64']?.optional).toBe(true);
  });

  it('holds no package that wants a newer Node than package.json engines claims (no EBADENGINE)', () => {
    const oldest = semver.minVersion(pkg.engines.node);
    expect(oldest).not.toBeNull();
    const tooNew = Object.entries(lock.packages)
      .filter(([, entry]) => entry.engines?.node && !semver.satisfies(oldest!, entry.engines.node))
      .map(([key, entry]) => `${key} wants node ${entry.engines!.node}`);
    expect(tooNew).toEqual([]);
  });
});
