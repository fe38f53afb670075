/**
 * Validation of PSeriesCloudPbx inputs. Pure: no I/O, no Pulumi runtime. Every failure names the field, the
 * bad value and the valid range, so `pulumi preview` can reject bad input before anything is bought.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { BILLING_CYCLES, MAX_EXTENSIONS, MAX_RECORDING_MINUTES, MIN_EXTENSIONS, PLAN_NAMES } from "../api/catalog";

/** What the engine passes for a value that is not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A failed input: the SDK's type, naming the property and why. */
export type CheckFailure = pulumi.dynamic.CheckFailure;

export const SUBDOMAIN_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const SUBDOMAIN_MIN = 3;
export const SUBDOMAIN_MAX = 63;
export const PBX_NAME_MAX = 64;
export const PO_NUMBER_MAX = 64;
const DOMAIN_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ID_PATTERN = /^\d{1,20}$/;
// Printable text without control characters or markup/shell metacharacters that the portal would not show.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const SAFE_TEXT = /^[^\u0000-\u001f\u007f<>`$\\{}]*$/u;

export function isUnknown(value: unknown): value is typeof UNKNOWN {
  return value === UNKNOWN;
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

// ---- One schema for the resource inputs: validation in check, the TypeScript types and the list of keys. ----
// Each issue's message is the "expected" part of a failure; `validateInputs` prefixes the field and its value.

/** Empty values count as missing, as a user who wrote `owner: ""` means no owner. */
const missing = (v: unknown) => (v === null || v === "" ? undefined : v);

/** A field that may also hold the engine's marker for a value not known yet during preview. */
function orUnknown<T extends z.ZodType>(schema: T) {
  return z.union([z.literal(UNKNOWN), schema]);
}

interface TextRule {
  min?: number;
  max: number;
  pattern: RegExp;
  patternText: string;
}

function text(o: TextRule) {
  const min = o.min ?? 1;
  const size = `a string of ${min} to ${o.max} characters`;
  const length = (v: string) => [...v].length;
  const value = z
    .string({ error: (iss) => (iss.input == null ? `it is required: ${size}` : `expected ${size}`) })
    .refine((v) => v !== "", { error: `it is required: ${size}`, abort: true })
    .refine((v) => length(v) >= min && length(v) <= o.max, {
      error: (iss) => `expected ${min} to ${o.max} characters, got ${length(String(iss.input))}`,
      abort: true,
    })
    .refine((v) => o.pattern.test(v), { error: `expected ${o.patternText}`, abort: true });
  return orUnknown(value);
}

function optionalText(o: TextRule) {
  return z.preprocess(missing, text(o).optional());
}

function integer(min: number, max: number) {
  const range = `an integer from ${min} to ${max}`;
  const value = z
    .number({ error: (iss) => (iss.input == null ? `it is required: ${range}` : `expected ${range}`) })
    .int({ error: `expected ${range}` })
    .min(min, { error: `expected ${range}` })
    .max(max, { error: `expected ${range}` });
  return orUnknown(value);
}

function integerOr(min: number, max: number, dflt: number) {
  return z.preprocess(missing, integer(min, max).default(dflt));
}

function boolean(dflt: boolean) {
  return z.preprocess(missing, orUnknown(z.boolean({ error: "expected true or false" })).default(dflt));
}

function oneOf<const T extends readonly [string, ...string[]]>(allowed: T) {
  return orUnknown(z.enum(allowed, { error: `expected one of ${allowed.map((a) => `"${a}"`).join(", ")}` }));
}

const PRINTABLE = "printable text without control characters or any of < > ` $ \\ { }";
const ID_OR_EMAIL = /^(\d{1,20}|[^\s@]+@[^\s@]+\.[^\s@]+)$/;

export const PbxInputsSchema = z.object({
  pbxName: text({ max: PBX_NAME_MAX, pattern: SAFE_TEXT, patternText: PRINTABLE }),
  subdomain: text({
    min: SUBDOMAIN_MIN,
    max: SUBDOMAIN_MAX,
    pattern: SUBDOMAIN_PATTERN,
    patternText: 'lowercase letters, digits and inner hyphens (a DNS label), e.g. "acme-hq"',
  }),
  region: text({ max: 64, pattern: SAFE_TEXT, patternText: "a region name or id" }),
  domain: optionalText({
    min: 3,
    max: 253,
    pattern: DOMAIN_PATTERN,
    patternText: 'a lowercase domain suffix such as "eu.sandbox.yeastarcloud.com"',
  }),
  plan: oneOf(PLAN_NAMES),
  extensions: integer(MIN_EXTENSIONS, MAX_EXTENSIONS),
  billingCycle: oneOf(BILLING_CYCLES),
  highAvailability: boolean(false),
  recordingMinutes: integerOr(0, MAX_RECORDING_MINUTES, 0),
  billingContact: text({
    max: 254,
    pattern: ID_OR_EMAIL,
    patternText: "a billing contact id (digits) or the contact's email address",
  }),
  owner: optionalText({
    max: 254,
    pattern: ID_OR_EMAIL,
    patternText: "a subordinate user's partner id (digits) or email address",
  }),
  poNumber: optionalText({ max: PO_NUMBER_MAX, pattern: SAFE_TEXT, patternText: PRINTABLE }),
  allowRepurchase: boolean(false),
  orderTimeoutSeconds: integerOr(1, 86_400, 900),
});

/** Validated inputs while some may not be known yet (preview): such fields hold UNKNOWN. */
export type MaybeInputs = z.output<typeof PbxInputsSchema>;

/** Inputs after validation and defaults, every value known (before resolution against the API). */
export type PbxInputs = { [K in keyof MaybeInputs]: Exclude<MaybeInputs[K], typeof UNKNOWN> };

export const INPUT_KEYS = PbxInputsSchema.keyof().options;

export type Maybe<T> = { [K in keyof T]: T[K] | typeof UNKNOWN };

export interface ValidationResult {
  /** Valid inputs with defaults applied; fields not yet known in preview hold UNKNOWN. */
  inputs?: MaybeInputs;
  failures: CheckFailure[];
}

/**
 * Set by the resource (not by users) to `pulumi.runtime.isDryRun()`. `check` takes it out of the inputs: it only
 * tells `check` whether this run is a preview, which `check` cannot learn from the engine.
 */
export const DRY_RUN_KEY = "__dryRun";

const KNOWN_KEYS = new Set<string>([...INPUT_KEYS, "__provider", DRY_RUN_KEY]);

/** The message of the branch that is not the UNKNOWN marker, for a field that failed both. */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union") {
    const branch = issue.errors[1]?.[0] ?? issue.errors[0]?.[0];
    if (branch) return messageOf(branch);
  }
  return issue.message;
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
  if (!parsed.success) {
    const named = new Set<string>();
    for (const issue of parsed.error.issues) {
      const property = String(issue.path[0]);
      if (named.has(property)) continue;
      named.add(property);
      failures.push({ property, reason: `${property} is ${show(raw[property])}; ${messageOf(issue)}` });
    }
  }
  if (failures.length > 0 || !parsed.success) return { failures };
  return { failures: [], inputs: parsed.data };
}

export function isEmail(value: string): boolean {
  return EMAIL_PATTERN.test(value);
}
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** Output property names (declared on the resource class). */
export const OUTPUT_KEYS = [
  "instanceId",
  "orderNo",
  "orderStatus",
  "productNo",
  "transactionNo",
  "pbxUrl",
  "regionId",
  "regionName",
  "domainSuffix",
  "pbxSubDomainId",
  "planId",
  "billingContactId",
  "assignId",
  "expireDate",
  "status",
  "adopted",
  "orders",
  "priceEstimate",
  "plannedOrders",
] as const;
const OUTPUT_KEYS_SET = new Set<string>(OUTPUT_KEYS);
