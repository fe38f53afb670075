/**
 * The one gate every request of a PartnerClient passes before it is sent (reads, the token and the order POST).
 * Requests pass in the order they arrived, and never faster than:
 *
 * - the configured rate (`requestsPerSecond`): at least 1000 / rate ms between two requests;
 * - after a 429 (the limit is the account's, not one request's): not before its `Retry-After`, for every request
 *   of the client, and then at a pace learned from the refusal: 80% of the requests that passed in the second
 *   before it. Without that pace, everything held by the pause would leave together, drain the portal's allowance
 *   at once, and the requests refused again (an order sent again after its lookup, a read's next attempt) could be
 *   refused over and over. The learned pace relaxes (doubles) every 5 s without a 429, so a single refusal slows
 *   a run only briefly; the next 429 learns it again.
 */
const WINDOW_MS = 1000;
const SAFETY = 0.8;
const RELAX_MS = 5000;

export class RequestGate {
  private readonly spacingMs: number;
  private nextAt = 0;
  private pausedUntil = 0;
  private tail: Promise<void> = Promise.resolve();
  /** Start times of the requests of the last WINDOW_MS. */
  private readonly starts: number[] = [];
  private learnedSpacingMs = 0;
  private learnedAt = 0;

  constructor(
    requestsPerSecond: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.spacingMs = requestsPerSecond ? 1000 / requestsPerSecond : 0;
  }

  /** Resolves when the caller may send its request. */
  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.waitTurn());
    this.tail = turn;
    return turn;
  }

  /**
   * The API answered 429: hold every request not yet sent for `retryAfterMs` (when given; a longer pause already
   * running wins), then pace them. Returns the pace now in force, in requests per second.
   */
  rateLimited(retryAfterMs: number | undefined): number {
    const now = this.now();
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.prune(now);
    // The refused request is among the starts: the others passed.
    const passed = Math.max(1, this.starts.length - 1);
    const learned = WINDOW_MS / (passed * SAFETY);
    this.learnedSpacingMs = Math.max(learned, this.learnedNow(now));
    this.learnedAt = now;
    return 1000 / Math.max(this.spacingMs, this.learnedSpacingMs);
  }

  /** How long a request arriving now would wait at least for a pause (for logs). */
  pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  private learnedNow(now: number): number {
    if (this.learnedSpacingMs === 0) return 0;
    const relaxed = this.learnedSpacingMs / 2 ** Math.floor((now - this.learnedAt) / RELAX_MS);
    return relaxed < 1 ? 0 : relaxed;
  }

  private prune(now: number): void {
    while (this.starts.length > 0 && this.starts[0] <= now - WINDOW_MS) this.starts.shift();
  }

  private async waitTurn(): Promise<void> {
    // A pause may start or grow while we sleep: look again after each sleep.
    for (;;) {
      const wait = Math.max(this.nextAt, this.pausedUntil) - this.now();
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const now = this.now();
    const spacing = Math.max(this.spacingMs, this.learnedNow(now));
    if (spacing > 0) this.nextAt = now + spacing;
    this.prune(now);
    this.starts.push(now);
  }
}
