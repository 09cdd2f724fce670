import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT as repoRoot } from './paths.js';
import { COLLECTOR_NODE_FLAGS, missingNodeFlags } from './node-flags.js';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const flags = COLLECTOR_NODE_FLAGS.join(' ');

describe('the collector starts with its Node.js flags on its documented paths', () => {
  it("bin/closeloop.js's shebang stays plain node (BusyBox env, as on Alpine, has no -S)", () => {
    expect(read('bin/closeloop.js').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('npm start and the systemd unit pass them to node', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toContain(`node ${flags} bin/closeloop.js start`);
    expect(read('examples/deploy/closeloop.service')).toMatch(
      new RegExp(`^ExecStart=/usr/bin/node ${flags} /opt/closeloop/bin/closeloop\\.js start`, 'm'),
    );
  });

  it('the flags take effect: V8 reserves the larger young generation (3 semi-spaces)', () => {
    const limit = (args: string[]) =>
      Number(
        execFileSync(process.execPath, [...args, '-p', 'require("v8").getHeapStatistics().heap_size_limit'], {
          encoding: 'utf8',
          env: { ...process.env, NODE_OPTIONS: '' },
        }),
      );
    const semiMiB = Number(/--max-semi-space-size=(\d+)/.exec(flags)?.[1]);
    // Node 20's default semi-space is 16 MiB; the heap limit is the old generation plus 3 semi-spaces.
    expect((limit([...COLLECTOR_NODE_FLAGS]) - limit([])) / 2 ** 20).toBe(3 * (semiMiB - 16));
  });

  it('tells which flags a process lacks, from its command line or NODE_OPTIONS, in either spelling', () => {
    expect(missingNodeFlags([])).toEqual([...COLLECTOR_NODE_FLAGS]);
    expect(missingNodeFlags(['--inspect'], '--max-old-space-size=4096')).toEqual([...COLLECTOR_NODE_FLAGS]);
    expect(missingNodeFlags(['--max-semi-space-size=32'])).toEqual([]); // a value of the operator's own
    expect(missingNodeFlags([], '--enable-source-maps --max_semi_space_size=64')).toEqual([]);
  });
});
