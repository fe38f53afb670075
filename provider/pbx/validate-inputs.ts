/**
 * Validation of PSeriesCloudPbx inputs. Pure: no I/O, no Pulumi runtime. Every failure names the field, the
 * bad value and the valid range, so `pulumi preview` can reject bad input before anything is bought. The schema
 * itself is part of the resource contract (provider/api/inputs.ts).
 */
import { DRY_RUN_KEY, INPUT_KEYS, OUTPUT_KEYS, PbxInputsSchema, type MaybeInputs } from "../api/inputs";
import { fieldFailures, type CheckFailure } from "../runtime/field-failures";

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ID_PATTERN = /^\d{1,20}$/;

export interface ValidationResult {
  /** Valid inputs with defaults applied; fields not yet known in preview hold UNKNOWN. */
  inputs?: MaybeInputs;
  failures: CheckFailure[];
}

const KNOWN_KEYS = new Set<string>([...INPUT_KEYS, "__provider", DRY_RUN_KEY]);

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
