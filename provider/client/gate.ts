/**
 * The one gate every request of a PartnerClient passes before it is sent (reads, the token and the order POST):
 * an optional steady rate (`requestsPerSecond`: at least 1000 / rate ms between two requests) and a pause for the
 * whole client after the API answered 429 with `Retry-After` (the limit is the account's, so every request of
 * the run would earn another 429 until then). Requests pass in the order they arrived.
 */
export class RequestGate {
  private readonly spacingMs: number;
  private nextAt = 0;
  private pausedUntil = 0;
  private tail: Promise<void> = Promise.resolve();

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

  /** Holds every request not yet sent for `ms` from now (a longer pause already running wins). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** How long a request arriving now would wait at least (for logs). */
  pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  private async waitTurn(): Promise<void> {
    // A pause may be extended while we sleep: look again after each sleep.
    for (;;) {
      const wait = Math.max(this.nextAt, this.pausedUntil) - this.now();
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (this.spacingMs > 0) this.nextAt = this.now() + this.spacingMs;
  }
}
