// No folder-level import cycle (issue 20): the folders of collector/src, sdk/src, contract/ and the
// dashboard read as floors, each importing only from floors below it. An edge A → B means a file in
// folder A imports a file in folder B (`import type` counts too: it is a dependency of the design).
// Files at the root of a tree (sdk/src/tracker.ts, contract/click-ids.ts …) count one node each: a
// tree's root holds its entry points and its loose files, not a floor.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TREES = ['contract', 'sdk/src', 'collector/src', 'collector/dashboard/src'];
/** The roots of the trees: each file there is its own node (collector/src has none: its root is split into base/ and app/). */
const LOOSE_ROOTS = new Set(TREES.filter((tree) => tree !== 'collector/src'));

const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = `${dir}/${d.name}`;
    if (d.isDirectory()) return sources(rel);
    return /\.(ts|js)$/.test(d.name) && !/\.(test|spec)\.ts$|\.d\.ts$/.test(d.name) ? [rel] : [];
  });
}

/** The node a file belongs to: its folder, or itself at a loose root. */
const nodeOf = (file: string): string => (LOOSE_ROOTS.has(path.posix.dirname(file)) ? file : path.posix.dirname(file));

/** Folder edges, each with one file-level import that makes it (for the failure message). */
export function folderGraph(files: ReadonlyMap<string, string>): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const [file, text] of files) {
    const from = nodeOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
      const to = nodeOf(files.has(target) ? target : target.replace(/\.ts$/, '.js'));
      // Between two loose files of the same root: a file-level import, not a folder one.
      const sameRoot = to === target && from === file && path.posix.dirname(to) === path.posix.dirname(from);
      if (to !== from && !sameRoot && !graph.get(from)!.has(to)) graph.get(from)!.set(to, `${file} → ${spec}`);
    }
  }
  return graph;
}

/** Strongly connected components with more than one node (Tarjan): each is a cycle of folders. */
export function cycles(graph: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('folder-level imports', () => {
  it('finds a cycle when there is one (the check itself can fail)', () => {
    const files = new Map([
      ['collector/src/storage/views.ts', "import type { Model } from '../attribution/models.js';"],
      ['collector/src/attribution/models.ts', "import { NIL } from '../storage/ids.js';"],
      ['collector/src/storage/ids.ts', 'export const NIL = 0;'],
      ['collector/src/routes/a.ts', "export { x } from '../storage/ids.js';\nimport('../attribution/models.js');"],
    ]);
    expect(cycles(folderGraph(files))).toEqual([['collector/src/attribution', 'collector/src/storage']]);
  });

  it('has no cycle between the folders of contract/, sdk/src, collector/src and the dashboard', () => {
    const files = new Map(TREES.flatMap(sources).map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));
    expect(files.size).toBeGreaterThan(150);
    const graph = folderGraph(files);
    const found = cycles(graph).map((scc) =>
      scc
        .flatMap((a) => scc.filter((b) => graph.get(a)?.has(b)).map((b) => `${a} → ${b} (${graph.get(a)!.get(b)})`))
        .join('\n'),
    );
    expect(found, found.join('\n\n')).toEqual([]);
  });
});
