/**
 * Amounts of money as the price API writes them (decimal strings, the contract's `DECIMAL_AMOUNT`), added exactly:
 * integers of millionths (BigInt), never binary floating point. The one money module: the policy pack's budget,
 * the purchase summary and the fleet report use it.
 */
import { DECIMAL_AMOUNT } from "./contract";

const SCALE = 6;
const UNIT = 10n ** BigInt(SCALE);

/** Parses a non-negative decimal string ("4200", "4200.5") into millionths; undefined when malformed. */
export function parseMoney(text: string): bigint | undefined {
  const m = DECIMAL_AMOUNT.exec(text.trim());
  if (!m) return undefined;
  return BigInt(m[1]) * UNIT + BigInt((m[2] ?? "").padEnd(SCALE, "0"));
}

/** Parses a config value (a number or a decimal string); undefined when it is not a non-negative amount. */
export function moneyOf(value: unknown): bigint | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) return undefined;
    return parseMoney(value.toFixed(SCALE).replace(/\.?0+$/, ""));
  }
  return typeof value === "string" ? parseMoney(value) : undefined;
}

/**
 * Formats millionths with at least two decimals: 4200000000n -> "4200.00"; with `grouping`, thousands separated
 * by commas ("4,200.00").
 */
export function formatMoney(value: bigint, grouping = false): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = (abs / UNIT).toString();
  const frac = (abs % UNIT).toString().padStart(SCALE, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "-" : ""}${grouping ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : whole}.${frac}`;
}

/** A share of an amount, rounded half up to the millionth: `divide(12n * UNIT, 12n)`. */
export function divideMoney(value: bigint, by: bigint): bigint {
  return (value * 2n + by) / (by * 2n);
}
