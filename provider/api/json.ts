/**
 * Lossless JSON for the Partner Portal wire format, shared by the client and the sandbox.
 *
 * Parsing: numbers that a double holds exactly stay numbers; integers beyond 2^53 (64-bit IDs) become decimal
 * strings, so no digit is ever changed. Serializing: the fields named in `ID_FIELDS` (and any value wrapped with
 * `rawInteger`) are written as bare JSON integers from their decimal strings.
 */
import { LosslessNumber, isSafeNumber, parse, stringify } from "lossless-json";
import { ID_FIELDS } from "./catalog";

export function parseJson(text: string): unknown {
  return parse(text, null, (digits: string) => (isSafeNumber(digits) ? Number(digits) : digits));
}

/** Marks a decimal string to be written as a bare JSON integer. */
export function rawInteger(decimal: string | number): LosslessNumber {
  const text = String(decimal);
  if (!/^-?\d+$/.test(text)) throw new TypeError(`not an integer: ${JSON.stringify(text)}`);
  return new LosslessNumber(text);
}

const idFields = new Set<string>(ID_FIELDS);

/**
 * Serializes a request or response body. `extraIdFields` adds response-side ID field names (for the sandbox,
 * which emits IDs as bare numbers the way the real API appears to).
 */
export function stringifyJson(value: unknown, extraIdFields: Iterable<string> = []): string {
  const ids = new Set([...idFields, ...extraIdFields]);
  const text = stringify(value, function (this: unknown, key: string, v: unknown) {
    if (ids.has(key) && (typeof v === "string" || typeof v === "number") && /^\d+$/.test(String(v))) {
      return rawInteger(v);
    }
    return v;
  });
  if (text === undefined) throw new TypeError("value is not serializable as JSON");
  return text;
}
