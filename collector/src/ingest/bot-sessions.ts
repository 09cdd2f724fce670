/**
 * Sessions already seen from a bot: a bot flag that sticks to the session. One program runs a
 * session, but not every request of it shows that: headless Chromium sends its page views with a
 * `HeadlessChrome` User-Agent and the beacons of a page it leaves (a form posted to a thank-you
 * page) with its plain Chrome one. Once any request of a session was a bot's, its later events are
 * the bot's too. Kept in memory, bounded (oldest sessions forgotten first); a restart forgets them.
 */
import { NIL_UUID } from '../storage/identities.js';

export class BotSessions {
  private readonly seen = new Map<string, true>();

  constructor(private readonly limit = 100_000) {}

  /** Records `sessionId` as a bot's when `isBot`; answers whether the session is a bot's. */
  check(sessionId: string, isBot: boolean): boolean {
    if (sessionId === NIL_UUID) return isBot; // cookieless page views share the zero id
    if (!isBot) return this.seen.has(sessionId);
    if (!this.seen.has(sessionId)) {
      if (this.seen.size >= this.limit) this.seen.delete(this.seen.keys().next().value!);
      this.seen.set(sessionId, true);
    }
    return true;
  }
}
