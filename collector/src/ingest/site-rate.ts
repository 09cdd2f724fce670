/**
 * The per-site share of the event request rate (CLOSELOOP_SITE_RATE_LIMIT): a token bucket per
 * site, holding a minute's worth of requests and refilled continuously, so one site's flood —
 * from however many addresses — is refused with `429 CL_SITE_RATE_LIMITED` while other sites keep
 * their own budget. Checked after the site is known (an unknown key creates no bucket), so the
 * map holds at most one small entry per registered site.
 */
import { ClError } from '../base/errors.js';

export class SiteRate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** `perMinute` 0: no limit. */
  constructor(private readonly perMinute: number) {}

  /** Takes one request from the site's bucket; throws CL_SITE_RATE_LIMITED when it is empty. */
  take(siteId: string, now = Date.now()): void {
    if (this.perMinute <= 0) return;
    const perMs = this.perMinute / 60_000;
    const b = this.buckets.get(siteId) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * perMs);
    b.at = now;
    this.buckets.set(siteId, b);
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      throw new ClError('CL_SITE_RATE_LIMITED', undefined, { headers: { 'retry-after': String(retryAfter) } });
    }
    b.tokens -= 1;
  }
}
