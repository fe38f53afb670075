/**
 * Retry policy for idempotent calls: exponential backoff with full jitter (from `exponential-backoff`), stretched
 * to honour a server's `Retry-After`. The order POST never comes through here.
 */
import { backOff } from "exponential-backoff";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Longest wait we accept from a `Retry-After` header; a provider run should not stall for minutes. */
export const MAX_RETRY_AFTER_MS = 30_000;

/** `Retry-After` as milliseconds from now (delta-seconds or an HTTP date), capped; undefined when absent/bad. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(Math.max(0, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
}

export interface RetryDecision {
  retry: boolean;
  /** Minimum wait the server asked for, already capped. */
  retryAfterMs?: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds, `decide` says stop, or `retries` retries are spent. The wait before a retry
 * is the larger of the jittered backoff and the server's `Retry-After`: the library sleeps the backoff, then the
 * next attempt sleeps whatever part of `Retry-After` is still left.
 */
export async function withRetries<T>(
  attempt: (attemptNo: number) => Promise<T>,
  policy: RetryPolicy,
  decide: (err: unknown) => RetryDecision,
  onRetry: (err: unknown, nextAttemptNo: number, retryAfterMs: number | undefined) => void = () => undefined,
): Promise<T> {
  let attemptNo = 0;
  let notBefore = 0;
  return backOff(
    async () => {
      const wait = notBefore - Date.now();
      if (wait > 0) await sleep(wait);
      attemptNo += 1;
      return attempt(attemptNo);
    },
    {
      numOfAttempts: Math.max(0, Math.floor(policy.retries)) + 1,
      startingDelay: Math.max(0, policy.baseDelayMs),
      maxDelay: Math.max(0, policy.maxDelayMs),
      timeMultiple: 2,
      jitter: "full",
      delayFirstAttempt: false,
      // The library passes the number of attempts made so far.
      retry: (err: unknown, attemptsDone: number) => {
        const decision = decide(err);
        if (!decision.retry) return false;
        // The library checks the attempt limit after this callback; do not announce a retry that will not happen.
        if (attemptsDone > policy.retries) return false;
        notBefore = decision.retryAfterMs ? Date.now() + decision.retryAfterMs : 0;
        onRetry(err, attemptsDone + 1, decision.retryAfterMs);
        return true;
      },
    },
  );
}
