/**
 * Small JSON values kept in localStorage, guarded: where storage is blocked or full, memory keeps
 * them for this page. Nothing here throws.
 */

const memory: Record<string, string> = {};

/** The value saved under `key` (in storage, else in memory), or undefined (none, blocked, not JSON). */
export function load<T>(key: string): T | undefined {
  let v = memory[key];
  try {
    v = localStorage[key] ?? v;
  } catch {
    // storage blocked: memory only
  }
  try {
    return JSON.parse(v!);
  } catch {
    // none, or not ours
  }
}

export function save(key: string, value: unknown): void {
  const s = (memory[key] = JSON.stringify(value));
  try {
    localStorage[key] = s;
  } catch {
    // storage blocked or full: memory only
  }
}
