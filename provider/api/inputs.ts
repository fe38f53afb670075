/**
 * The inputs of a PSeriesCloudPbx as one zod schema: the engine validates with it in `check`
 * (provider/pbx/validate-inputs.ts: `validateInputs`), the native plugin derives its package schema from it, and the policy
 * pack judges the same keys. Pure: no I/O, no Pulumi runtime. The engine's marker for a value not known yet in a
 * preview lives here too, because every field of the schema accepts it.
 */
import { z } from "zod";
import { BILLING_CYCLES, MAX_EXTENSIONS, MAX_RECORDING_MINUTES, MIN_EXTENSIONS, PLAN_NAMES } from "./catalog";
import { isIsoDate } from "./terms";

/**
 * Set by the dynamic resources (not by users) to `pulumi.runtime.isDryRun()`. `check` takes it out of the inputs:
 * it only tells `check` whether this run is a preview, which `check` cannot learn from the engine.
 */
export const DRY_RUN_KEY = "__dryRun";

/** What the engine passes a provider for a value that is not known yet during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The engine's markers for unknown values of each type. A provider sees the string one (`UNKNOWN`) for any type;
 * the policy runtime may hand a policy any of them.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  UNKNOWN, // string (also what dynamic providers see)
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export function isUnknown(value: unknown): value is typeof UNKNOWN {
  return value === UNKNOWN;
}

/** Whether a value holds the marker anywhere (in a string, an array or an object). */
export function containsUnknown(value: unknown): boolean {
  if (typeof value === "string") return value.includes(UNKNOWN);
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

export const SUBDOMAIN_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const SUBDOMAIN_MIN = 3;
export const SUBDOMAIN_MAX = 63;
export const PBX_NAME_MAX = 64;
export const PO_NUMBER_MAX = 64;
const DOMAIN_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
// Printable text without control characters or markup/shell metacharacters that the portal would not show.
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const SAFE_TEXT = /^[^\u0000-\u001f\u007f<>`$\\{}]*$/u;

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

/** A boolean with no default: left out, the program says nothing and the engine leaves the portal as it is. */
function optionalBoolean() {
  return z.preprocess(missing, orUnknown(z.boolean({ error: "expected true or false" })).optional());
}

/** A calendar date written YYYY-MM-DD, or nothing. */
function optionalDate() {
  const expected = 'expected a calendar date written YYYY-MM-DD, e.g. "2028-12-31"';
  const value = z.string({ error: expected }).refine(isIsoDate, { error: expected });
  return z.preprocess(missing, orUnknown(value).optional());
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
  autoRenew: optionalBoolean(),
  /** Keep the PBX paid through this date with renew_plan orders (provider/pbx/renewal.ts). */
  renewThrough: optionalDate(),
  /** Left out or false: a paid PBX. true: a free trial (trial_plan); true -> false converts it (switchTrial_plan). */
  trial: optionalBoolean(),
  orderTimeoutSeconds: integerOr(1, 86_400, 900),
});

/** Validated inputs while some may not be known yet (preview): such fields hold UNKNOWN. */
export type MaybeInputs = z.output<typeof PbxInputsSchema>;

/** Inputs after validation and defaults, every value known (before resolution against the API). */
export type PbxInputs = { [K in keyof MaybeInputs]: Exclude<MaybeInputs[K], typeof UNKNOWN> };

export const INPUT_KEYS = PbxInputsSchema.keyof().options;
export type InputKey = (typeof INPUT_KEYS)[number];

export type Maybe<T> = { [K in keyof T]: T[K] | typeof UNKNOWN };

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
  "expiresOn",
  "trialEndsOn",
  "status",
  "adopted",
  "orders",
  "priceEstimate",
  "plannedOrders",
] as const;
export type OutputKey = (typeof OUTPUT_KEYS)[number];
