/**
 * Validation of PSeriesCloudPbx inputs. Pure: no I/O, no Pulumi runtime. Every failure names the field, the
 * bad value and the valid range, so `pulumi preview` can reject bad input before anything is bought. The schema
 * itself is part of the resource contract (provider/api/inputs.ts); its names are exported here as well.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { DRY_RUN_KEY, INPUT_KEYS, OUTPUT_KEYS, PbxInputsSchema, type MaybeInputs } from "../api/inputs";

export {
  DRY_RUN_KEY,
  INPUT_KEYS,
  OUTPUT_KEYS,
  PBX_NAME_MAX,
  PO_NUMBER_MAX,
  PbxInputsSchema,
  SUBDOMAIN_MAX,
  SUBDOMAIN_MIN,
  SUBDOMAIN_PATTERN,
  UNKNOWN,
  isUnknown,
  type InputKey,
  type Maybe,
  type MaybeInputs,
  type OutputKey,
  type PbxInputs,
} from "../api/inputs";

/** A failed input: the SDK's type, naming the property and why. */
export type CheckFailure = pulumi.dynamic.CheckFailure;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ID_PATTERN = /^\d{1,20}$/;

/**
 * What a dynamic resource of this package registers: every declared output as `undefined` (so the SDK makes an
 * Output for it), the program's arguments, and `DRY_RUN_KEY` (check tells a preview from an update by it).
 */
export function registrationProps(
  outputKeys: readonly string[],
  args: object,
  dryRun: boolean,
): Record<string, unknown> {
  return { ...Object.fromEntries(outputKeys.map((k) => [k, undefined])), ...args, [DRY_RUN_KEY]: dryRun };
}

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

export interface ValidationResult {
  /** Valid inputs with defaults applied; fields not yet known in preview hold UNKNOWN. */
  inputs?: MaybeInputs;
  failures: CheckFailure[];
}

const KNOWN_KEYS = new Set<string>([...INPUT_KEYS, "__provider", DRY_RUN_KEY]);

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

/** Validates raw resource inputs: one failure per bad field, naming the field, its value and what is valid. */
export function validateInputs(raw: Record<string, unknown>): ValidationResult {
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(raw)) {
    // Outputs and resolved values that a previous version put into inputs are ignored, not rejected.
    if (!KNOWN_KEYS.has(key) && !key.startsWith("resolved") && !OUTPUT_KEYS_SET.has(key)) {
      failures.push({
        property: key,
        reason: `${key} is not an input of PSeriesCloudPbx; valid inputs are ${INPUT_KEYS.join(", ")}`,
      });
    }
  }
  const known = Object.fromEntries(INPUT_KEYS.map((k) => [k, raw[k]]));
  const parsed = PbxInputsSchema.safeParse(known);
  if (!parsed.success) failures.push(...fieldFailures(parsed.error.issues, raw));
  if (failures.length > 0 || !parsed.success) return { failures };
  return { failures: [], inputs: parsed.data };
}

export function isEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

const OUTPUT_KEYS_SET = new Set<string>(OUTPUT_KEYS);
