/**
 * Small values kept in localStorage (guarded: where storage is blocked or full, memory keeps them
 * for this page), each as `{"i": owner id, "t": value}`: a value only counts for its owner.
 */

const memory: Record<string, string> = {};

/** The value kept under `key` for `id`; when there is none, `value` (if given) is kept and returned. */
export function kept<T>(key: string, id: string, value?: T): T | undefined {
  let v: { i?: unknown; t?: T } | null = null;
  try {
    v = JSON.parse(localStorage.getItem(key) ?? memory[key]!);
  } catch {
    // storage blocked, or not JSON
  }
  v ??= JSON.parse(memory[key] ?? 'null');
  if (v && v.i === id && v.t) return v.t;
  if (value) {
    memory[key] = JSON.stringify({ i: id, t: value });
    try {
      localStorage.setItem(key, memory[key]);
    } catch {
      // storage blocked or full: memory only
    }
  }
  return value;
}
