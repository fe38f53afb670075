/**
 * Identifiers in the formats of the vendor's examples. They are random, so two sandboxes (or a restarted one with
 * a state file) never hand out colliding numbers; callers still check against what they already hold.
 */
import { randomBytes, randomInt } from "node:crypto";

const LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ";

function digits(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

function letters(count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += LETTERS[randomInt(LETTERS.length)];
  return out;
}

/** A serial number shaped like the tutorial's "3658B431119665QJ". */
export function newProductNo(): string {
  return `${randomInt(1000, 10000)}B${digits(9)}${letters(2)}`;
}

/** Seven digits, like the tutorial's "1275655". */
export function newInstanceId(): string {
  return String(randomInt(1_000_000, 10_000_000));
}

/**
 * A 19-digit ID between 3.2e18 and 3.3e18: always above 2^53, so a client that routes it through a double
 * changes its digits, and below 2^63, so it fits a signed int64.
 */
export function new64BitId(): string {
  const random = BigInt(`0x${randomBytes(8).toString("hex")}`) % 100_000_000_000_000_000n;
  return String(3_200_000_000_000_000_000n + random);
}

export function newOrderNo(): string {
  return `HB${new64BitId()}`;
}

export function newTransactionNo(): string {
  return `XN${new64BitId()}`;
}

export function newInvoiceNo(now: number): string {
  return `INV${new Date(now).toISOString().slice(0, 10).replace(/-/g, "")}${digits(6)}`;
}

export function newActivationCode(): string {
  return `${letters(4)}-${letters(4)}-${letters(4)}-${letters(4)}`;
}

/** Keeps drawing until `make` yields a value that `taken` does not know. */
export function unique(make: () => string, taken: (value: string) => boolean): string {
  for (;;) {
    const value = make();
    if (!taken(value)) return value;
  }
}
