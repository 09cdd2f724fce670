/**
 * The touch of each session, for wire-format-2 events, which carry it only on the session's first
 * event: kept in memory per site and session as batches bring them (bounded: the oldest entries go
 * first), else read from the session's stored first event (storage/session-touches.ts) — after a
 * restart, or when another collector instance took the session's first batch. What neither knows
 * (the first event has not arrived yet: a page-exit beacon overtaking the page's first request, or
 * it is still in the spool on another instance) is answered as unknown; the lookup never fails the
 * request (a ClickHouse server that does not answer: unknown).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Touch } from '../../../sdk/src/protocol.js';
import type { Db } from '../storage/db.js';
import { storedSessionTouches } from '../storage/session-touches.js';

/** Sessions kept in memory (~0.5 KB each at most: ≤ 50 MB). */
export const SESSION_TOUCHES_KEPT = 100_000;
/** How long before its event a session's first event is looked for in storage. */
export const SESSION_LOOKBACK_MS = 2 * 86_400_000;

export interface SessionTouches {
  remember(siteId: string, sessionId: string, touch: Touch): void;
  /** The touches known of these sessions (memory, else stored), by session id; `oldest`: the time (ms) of their earliest event. */
  find(siteId: string, sessionIds: readonly string[], oldest: number): Promise<Map<string, Touch>>;
}

export function sessionTouches(db: Db, log: FastifyBaseLogger, kept = SESSION_TOUCHES_KEPT): SessionTouches {
  const memory = new Map<string, Touch>();
  const key = (siteId: string, sessionId: string) => `${siteId}|${sessionId}`;
  const remember = (siteId: string, sessionId: string, touch: Touch) => {
    const k = key(siteId, sessionId);
    if (memory.has(k)) return;
    memory.set(k, touch);
    if (memory.size > kept) memory.delete(memory.keys().next().value!);
  };
  return {
    remember,
    async find(siteId, sessionIds, oldest) {
      const found = new Map<string, Touch>();
      const missing = new Set<string>();
      for (const s of sessionIds) {
        const t = memory.get(key(siteId, s));
        if (t) found.set(s, t);
        else missing.add(s);
      }
      if (!missing.size) return found;
      try {
        for (const [s, t] of await storedSessionTouches(db, siteId, [...missing], oldest - SESSION_LOOKBACK_MS)) {
          found.set(s, t);
          remember(siteId, s, t);
        }
      } catch (err) {
        log.warn({ err }, 'session touches not readable; events stored without their touch');
      }
      return found;
    },
  };
}
