/**
 * Order placement helpers shared by create and update: sending an order (and sending it again after a 429, only
 * after looking), waiting for a pending order, the messages for orders the portal did not complete, and the
 * partial-resource error the engine records an id from.
 */
import type { PartnerApi } from "../api/partner-api";
import type { OrderRequest, OrderResult, ProductInfo } from "../api/schemas";
import type { Deps } from "../runtime/deps";
import type { PbxState } from "../api/contract";

/**
 * A create or update that got as far as an id: the host records `properties` under `id` (a partially created or
 * updated resource) and shows `reasons`. The message leads the reasons, so the user reads it either way.
 */
export class PartialError extends Error {
  readonly reasons: string[];
  constructor(
    message: string,
    readonly id: string,
    public properties: PbxState,
    reasons: string[] = [],
  ) {
    super(message);
    this.reasons = [message, ...reasons.filter((r) => r !== message)];
  }
}

/** True when the client could not tell whether the portal stored the order (see provider/client/errors.ts). */
export function isAmbiguous(err: unknown): err is Error & { ambiguous: true } {
  return err instanceof Error && (err as { ambiguous?: unknown }).ambiguous === true;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Polls an order until it succeeds or fails, or the deadline passes. Returns the last status. */
export async function waitForOrder(api: PartnerApi, deps: Deps, orderNo: string, deadline: number): Promise<string> {
  let delay = 500;
  for (;;) {
    const detail = await api.getOrder(orderNo);
    const status = detail.orderInformation.orderStatus;
    if (status !== "pending") return status;
    if (deps.now() + delay > deadline) return status;
    await deps.sleep(delay);
    delay = Math.min(delay * 2, 10_000);
  }
}

export function failedOrderMessage(what: string, orderNo: string, status: string, productNo?: string) {
  return `${what}: order ${orderNo}${productNo ? ` (serial ${productNo})` : ""} ended with status "${status}"; the Partner Portal did not complete it, so nothing new is active. Check the order in the Partner Portal before running \`pulumi up\` again.`;
}

export async function findAfterAmbiguous(api: PartnerApi, deps: Deps, url: string): Promise<ProductInfo | undefined> {
  // A committed order may take a moment to show up; look a few times before concluding it was not placed.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const found = await api.findProductByUrl(url);
      if (found) return found;
    } catch (lookupErr) {
      if (attempt === 2) throw lookupErr;
    }
    await deps.sleep(1000 * (attempt + 1));
  }
  return undefined;
}

// ---- 429 on the order POST (docs/architecture.md, "Rate limits") ----

/** How many times one order is sent in all when the portal keeps answering 429. */
export const MAX_ORDER_SENDS = 5;
/** Longest wait after one 429 (the client caps `Retry-After` at the same value, client/retry.ts). */
export const MAX_ORDER_WAIT_MS = 30_000;
/** First wait after a 429 without `Retry-After`; it doubles with each further 429. */
const FIRST_BACKOFF_MS = 1_000;

/**
 * A 429 in the API's own envelope: the portal refused the order before processing it, so nothing was bought and
 * sending it again is safe once we have looked (client/classify.ts: `rejected`, repeatable). A 429 without the
 * envelope may come from a gateway after the order went through: that one is ambiguous and never matches here.
 */
export function rateLimitOf(err: unknown): { retryAfterMs?: number } | undefined {
  if (!(err instanceof Error) || isAmbiguous(err)) return undefined;
  const e = err as { httpStatus?: unknown; retryAfterMs?: unknown };
  if (e.httpStatus !== 429) return undefined;
  return typeof e.retryAfterMs === "number" ? { retryAfterMs: e.retryAfterMs } : {};
}

/** The order was refused with 429 `MAX_ORDER_SENDS` times: nothing was bought. */
export class RateLimitedError extends Error {}

/** What the lookup after a 429 found: the portal already has it (`done`), or the order to send now. */
export type AfterRateLimit<D> = { done: D } | { send: OrderRequest };

/** The wait after the `refusals`-th 429: as the portal asked (bounded), else a doubling backoff; plus jitter. */
export function waitAfterRateLimit(retryAfterMs: number | undefined, refusals: number, random = Math.random): number {
  const base = Math.min(
    MAX_ORDER_WAIT_MS,
    retryAfterMs ?? FIRST_BACKOFF_MS * 2 ** Math.max(0, Math.min(refusals - 1, 10)),
  );
  // A fleet refused at the same moment should not come back at the same moment.
  return base + Math.floor(random() * Math.min(1_000, base / 2));
}

/**
 * Sends an order. On a 429 (refused before processing) it waits as the portal asked, then runs `look` (given
 * the time of the refusal), which
 * reads the portal as after any doubt: when the portal already has what the order buys, `look` says `done` and
 * nothing is sent; otherwise it gives the order to send now (planned again from what it read). Never more than
 * `MAX_ORDER_SENDS` sends; any other failure is the caller's to handle, unchanged.
 */
export async function sendOrder<D>(
  api: PartnerApi,
  deps: Deps,
  what: string,
  request: OrderRequest,
  look: (refusedAt: number) => Promise<AfterRateLimit<D>>,
): Promise<{ result: OrderResult } | { done: D }> {
  let current = request;
  let waitedMs = 0;
  for (let sent = 1; ; sent++) {
    try {
      return { result: await api.createOrder(current) };
    } catch (err) {
      const limited = rateLimitOf(err);
      if (!limited) throw err;
      // Wall-clock time, like the portal reads' caches (portal.ts): a lookup started after it is fresh enough.
      const refusedAt = Date.now();
      if (sent >= MAX_ORDER_SENDS) {
        throw new RateLimitedError(
          `${what}: the Partner Portal refused the order ${sent} times with HTTP 429 (rate limited), each time before processing it, so no order was placed and nothing was bought (waited ${Math.round(waitedMs / 1000)} s in all). Run \`pulumi up\` again later, or set yeastar:requestsPerSecond (YEASTAR_REQUESTS_PER_SECOND) below the portal's limit. Last answer: ${messageOf(err)}`,
        );
      }
      const waitMs = waitAfterRateLimit(limited.retryAfterMs, sent);
      deps.report.info(
        `${what}: the Partner Portal refused the order with HTTP 429 (rate limited; nothing was bought); waiting ${(waitMs / 1000).toFixed(1)} s${limited.retryAfterMs === undefined ? "" : " as it asked"}, then looking again before sending it again (send ${sent + 1} of at most ${MAX_ORDER_SENDS})`,
      );
      await deps.sleep(waitMs);
      waitedMs += waitMs;
      const next = await look(refusedAt);
      if ("done" in next) return next;
      current = next.send;
    }
  }
}
