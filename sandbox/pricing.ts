/**
 * Price arithmetic in integer ten-thousandths of a dollar, so sums never pick up binary rounding errors.
 */
import type { BillingCycle } from "../provider/api/catalog";
import type { Price } from "./types";

const SCALE = 10_000n;
const MONEY = /^\d{1,9}(\.\d{1,4})?$/;

export function isMoney(text: unknown): text is string {
  return typeof text === "string" && MONEY.test(text);
}

function toUnits(text: string): bigint {
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole) * SCALE + BigInt(fraction.padEnd(4, "0"));
}

/** Rounds half up to cents. */
function formatUnits(units: bigint): string {
  const cents = (units + 50n) / 100n;
  return `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
}

export function lineAmount(price: Price, cycle: BillingCycle, quantity: number): string {
  return formatUnits(toUnits(price[cycle]) * BigInt(quantity));
}

export function sumAmounts(amounts: string[]): string {
  return formatUnits(amounts.reduce((total, a) => total + toUnits(a), 0n));
}
