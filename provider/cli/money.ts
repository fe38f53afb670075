/**
 * Money in the purchase summary: decimal strings added exactly (no binary floating point), at a fixed scale of
 * millionths. The amounts' form is the contract's (`DECIMAL_AMOUNT`, provider/api/contract.ts).
 */
import { DECIMAL_AMOUNT } from "../api/contract";

const SCALE = 6;

/** Parses a non-negative decimal string into an integer number of millionths; undefined when malformed. */
export function parseAmount(text: string): bigint | undefined {
  const m = DECIMAL_AMOUNT.exec(text.trim());
  if (!m) return undefined;
  return BigInt(m[1]) * 10n ** BigInt(SCALE) + BigInt((m[2] ?? "").padEnd(SCALE, "0"));
}

/** Formats millionths as a decimal string with at least two decimals: 4200000000n -> "4200.00". */
export function formatAmount(value: bigint, grouping = false): string {
  const unit = 10n ** BigInt(SCALE);
  const whole = (value / unit).toString();
  const frac = (value % unit).toString().padStart(SCALE, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${grouping ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : whole}.${frac}`;
}
