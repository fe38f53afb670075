/**
 * How every resource of this package reports a bad input: one failure per field, naming the field, the value the
 * user gave and what is valid. Pure: no I/O, no Pulumi runtime.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** A failed input: the SDK's type, naming the property and why. */
export type CheckFailure = pulumi.dynamic.CheckFailure;

/** Shows a user's value in a message: quoted, shortened, control characters escaped. */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  else if (value === undefined) text = "(missing)";
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
    if (text.length > 80) text = `${text.slice(0, 77)}...`;
  }
  return `${text} (${value === null ? "null" : Array.isArray(value) ? "array" : typeof value})`;
}

/** The message of the branch that is not the UNKNOWN marker, for a field that failed both. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union") {
    const branch = issue.errors[1]?.[0] ?? issue.errors[0]?.[0];
    if (branch) return messageOf(branch);
  }
  return issue.message;
}

/**
 * One failure per field a schema rejected (its first issue), naming the field, the value the user gave (from `raw`)
 * and what is valid. Shared by the PBX's and the Customer's input validation.
 */
export function fieldFailures(issues: readonly z.core.$ZodIssue[], raw: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const named = new Set<string>();
  for (const issue of issues) {
    const property = String(issue.path[0]);
    if (named.has(property)) continue;
    named.add(property);
    failures.push({ property, reason: `${property} is ${show(raw[property])}; ${messageOf(issue)}` });
  }
  return failures;
}

/**
 * A resource's inputs through its schema: a key that is neither an input nor an output fails (naming the valid
 * inputs), then one failure per field the schema rejects. `data` only when nothing failed.
 */
export function parseKnownInputs<T>(
  typeName: string,
  schema: z.ZodType<T>,
  inputKeys: readonly string[],
  outputKeys: readonly string[],
  raw: Record<string, unknown>,
): { data?: T; failures: CheckFailure[] } {
  const allowed = new Set<string>([...inputKeys, ...outputKeys, "__provider"]);
  const failures: CheckFailure[] = Object.keys(raw)
    .filter((key) => !allowed.has(key))
    .map((key) => ({
      property: key,
      reason: `${key} is not an input of ${typeName}; valid inputs are ${inputKeys.join(", ")}`,
    }));
  const parsed = schema.safeParse(Object.fromEntries(inputKeys.map((k) => [k, raw[k]])));
  if (!parsed.success) failures.push(...fieldFailures(parsed.error.issues, raw));
  return failures.length > 0 || !parsed.success ? { failures } : { data: parsed.data, failures };
}
