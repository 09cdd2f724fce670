/**
 * Small JSON values kept in localStorage, guarded: where storage is blocked or full, memory keeps
 * them for this page. Nothing here throws.
 */
import { attempt } from '../safe.js';

const memory: Record<string, string> = {};

/** The value saved under `key` (in storage, else in memory), or undefined (none, blocked, not JSON). */
export const load = <T>(key: string): T | undefined => attempt(() => JSON.parse(attempt(() => localStorage[key]) ?? memory[key]));

export function save(key: string, value: unknown): void {
  const json = (memory[key] = JSON.stringify(value));
  attempt(() => (localStorage[key] = json));
}
