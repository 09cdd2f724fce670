/**
 * Small JSON values kept in localStorage, guarded: where storage is blocked or full, memory keeps
 * them for this page. Nothing here throws. Without consent (see consent.ts) storage is switched
 * off: values live in memory only, and `forget` deletes every `_cl_*` key.
 */
import { attempt } from '../safe.js';

let memory: Record<string, string> = {};
let on = true;

/** Whether values may go to localStorage (else: memory only). */
export const useStorage = (yes: boolean): void => void (on = yes);

/** The value saved under `key` (in storage, else in memory), or a falsy value (none, blocked, not JSON). */
export const load = <T>(key: string): T | undefined =>
  // '0' when there is none: parsing nothing would throw, and a throw costs the page time.
  attempt(() => JSON.parse((on && attempt(() => localStorage[key])) || memory[key] || '0'));

export function save(key: string, value: unknown): void {
  memory[key] = JSON.stringify(value);
  if (on) attempt(() => (localStorage[key] = memory[key]));
}

/** Switches storage off and deletes what the SDK kept: every `_cl_*` key, in storage and memory. */
export function forget(): void {
  on = false;
  memory = {};
  attempt(() => Object.keys(localStorage).map((k) => k.startsWith('_cl_') && delete localStorage[k]));
}
