/**
 * Order placement helpers shared by create and update: waiting for a pending order, the messages for orders the
 * portal did not complete, and the partial-resource error the engine records an id from.
 */
import type { PartnerApi } from "../api/partner-api";
import type { ProductInfo } from "../api/schemas";
import type { Deps } from "./deps";
import type { PbxState } from "./plan";

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
