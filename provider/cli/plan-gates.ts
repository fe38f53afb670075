/**
 * The purchase summary's gates (plan-main.ts): whether anything is bought, `--fail-on-purchase`, `--max-total`, and the
 * command's exit code. Pure.
 */
import { formatMoney, parseMoney } from "../api/money";
import { FROM_TERM_END, PlanInputError, type PurchaseSummary } from "./plan-types";

export interface GateOptions {
  failOnPurchase?: boolean;
  /** Decimal string; every total (each currency and billing period) must be at most this. */
  maxTotal?: string;
}

/** Whether anything would be bought: an order (adoptions excluded), or a change whose orders are not known. */
export function buysAnything(summary: PurchaseSummary): boolean {
  return summary.orderCount > 0 || summary.pbxs.some((p) => p.orders === null && p.action !== "delete");
}

/** The command's exit codes (docs/purchase-review.md). */
export const EXIT = {
  ok: 0,
  /** --fail-on-purchase or --max-total failed. */
  gateFailed: 1,
  /** A bad option, or an input file that cannot be opened. */
  usage: 2,
  /** The preview is empty, unreadable, cut off or failed: what `up` would buy is not known. */
  previewFailed: 3,
} as const;

/** The exit code for a summary and its gate failures: a failed preview wins, since no gate can pass on it. */
export function exitCode(summary: PurchaseSummary, gateFailures: readonly string[]): number {
  if (summary.previewFailed) return EXIT.previewFailed;
  return gateFailures.length > 0 ? EXIT.gateFailed : EXIT.ok;
}

/** The reasons the pipeline should fail; empty when every gate passes. */
export function checkGates(summary: PurchaseSummary, options: GateOptions): string[] {
  const failures: string[] = [];
  const gated = options.failOnPurchase || options.maxTotal !== undefined;
  if (gated && summary.previewFailed) {
    failures.push("the preview failed or could not be read, so what `up` would buy is not known");
  }
  if (options.failOnPurchase && buysAnything(summary)) {
    const what =
      summary.orderCount > 0
        ? `${summary.orderCount} order${summary.orderCount === 1 ? "" : "s"}`
        : "orders the preview cannot list yet";
    failures.push(`--fail-on-purchase: this change would place ${what}`);
  }
  if (options.maxTotal !== undefined) {
    const limit = parseMoney(options.maxTotal);
    if (limit === undefined)
      throw new PlanInputError(`--max-total ${JSON.stringify(options.maxTotal)} is not a decimal amount`);
    for (const t of summary.totals) {
      if ((parseMoney(t.amount) as bigint) > limit) {
        failures.push(
          `--max-total ${formatMoney(limit)}: the total ${t.currency} ${formatMoney(parseMoney(t.amount) as bigint)} per ${t.period}${t.startsAt ? ` ${FROM_TERM_END}` : ""} is above it`,
        );
      }
    }
    if (summary.unpricedOrders > 0) {
      failures.push(
        `--max-total ${formatMoney(limit)}: ${summary.unpricedOrders} order${summary.unpricedOrders === 1 ? " has" : "s have"} no price, so the totals cannot be checked`,
      );
    }
    if (summary.pbxs.some((p) => p.orders === null && p.action !== "delete")) {
      failures.push(
        `--max-total ${formatMoney(limit)}: some orders are not known in the preview, so the totals cannot be checked`,
      );
    }
  }
  return failures;
}
