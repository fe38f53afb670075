/**
 * The sandbox's rate limit: a token bucket for the whole sandbox (it serves one partner account), holding up to
 * `perSecond` requests and refilled at `perSecond` per second. A request beyond it gets 429 `too_many_requests`
 * with `Retry-After` (whole seconds until a request would pass), before any other check, as an API gateway would.
 */
export class RateLimiter {
  private tokens = 0;
  private last = 0;
  private rate = 0;

  /** `perSecond` 0 switches the limit off; a new rate starts with a full bucket. */
  configure(perSecond: number, nowMs: number): void {
    if (perSecond === this.rate) return;
    this.rate = perSecond;
    this.tokens = Math.max(1, perSecond);
    this.last = nowMs;
  }

  /** Takes one request: undefined when it may pass, else the seconds to wait (for `Retry-After`). */
  take(nowMs: number): number | undefined {
    if (this.rate <= 0) return undefined;
    const capacity = Math.max(1, this.rate);
    this.tokens = Math.min(capacity, this.tokens + ((nowMs - this.last) / 1000) * this.rate);
    this.last = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}
