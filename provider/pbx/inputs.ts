/**
 * Validation of PSeriesCloudPbx inputs. Pure: no I/O, no Pulumi runtime. Every failure names the field, the
 * bad value and the valid range, so `pulumi preview` can reject bad input before anything is bought.
 */
import {
  BILLING_CYCLES,
  MAX_EXTENSIONS,
  MAX_RECORDING_MINUTES,
  MIN_EXTENSIONS,
  PLAN_NAMES,
  type BillingCycle,
  type PlanName,
} from "../api/catalog";

/** What the engine passes for a value that is not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface CheckFailure {
  property: string;
  reason: string;
}

/** Inputs after validation and defaults (before resolution against the API). */
export interface PbxInputs {
  pbxName: string;
  subdomain: string;
  region: string;
  domain?: string;
  plan: PlanName;
  extensions: number;
  billingCycle: BillingCycle;
  highAvailability: boolean;
  recordingMinutes: number;
  billingContact: string;
  owner?: string;
  poNumber?: string;
  allowRepurchase: boolean;
  orderTimeoutSeconds: number;
}

export const INPUT_KEYS = [
  "pbxName",
  "subdomain",
  "region",
  "domain",
  "plan",
  "extensions",
  "billingCycle",
  "highAvailability",
  "recordingMinutes",
  "billingContact",
  "owner",
  "poNumber",
  "allowRepurchase",
  "orderTimeoutSeconds",
] as const satisfies readonly (keyof PbxInputs)[];

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

export function isUnknown(value: unknown): boolean {
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

interface Collector {
  failures: CheckFailure[];
  fail(property: string, value: unknown, expected: string): void;
}

function collector(): Collector {
  const failures: CheckFailure[] = [];
  return {
    failures,
    fail(property, value, expected) {
      failures.push({ property, reason: `${property} is ${show(value)}; ${expected}` });
    },
  };
}

function text(
  c: Collector,
  raw: Record<string, unknown>,
  key: string,
  opts: { required: boolean; min?: number; max: number; pattern?: RegExp; patternText?: string },
): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === "") {
    if (opts.required) c.fail(key, value, `it is required: a string of ${opts.min ?? 1} to ${opts.max} characters`);
    return undefined;
  }
  if (isUnknown(value)) return UNKNOWN;
  if (typeof value !== "string") {
    c.fail(key, value, `expected a string of ${opts.min ?? 1} to ${opts.max} characters`);
    return undefined;
  }
  const length = [...value].length;
  if (length < (opts.min ?? 1) || length > opts.max) {
    c.fail(key, value, `expected ${opts.min ?? 1} to ${opts.max} characters, got ${length}`);
    return undefined;
  }
  if (opts.pattern && !opts.pattern.test(value)) {
    c.fail(key, value, `expected ${opts.patternText ?? `to match ${opts.pattern}`}`);
    return undefined;
  }
  return value;
}

function integer(c: Collector, raw: Record<string, unknown>, key: string, min: number, max: number, dflt?: number) {
  const value = raw[key];
  if (value === undefined || value === null) {
    if (dflt === undefined) c.fail(key, value, `it is required: an integer from ${min} to ${max}`);
    return dflt;
  }
  if (isUnknown(value)) return UNKNOWN;
  if (typeof value !== "number" || !Number.isFinite(value) || !Number.isInteger(value)) {
    c.fail(key, value, `expected an integer from ${min} to ${max}`);
    return undefined;
  }
  if (value < min || value > max) {
    c.fail(key, value, `expected an integer from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

function boolean(c: Collector, raw: Record<string, unknown>, key: string, dflt: boolean) {
  const value = raw[key];
  if (value === undefined || value === null) return dflt;
  if (isUnknown(value)) return UNKNOWN;
  if (typeof value !== "boolean") {
    c.fail(key, value, "expected true or false");
    return undefined;
  }
  return value;
}

function oneOf<T extends string>(c: Collector, raw: Record<string, unknown>, key: string, allowed: readonly T[]) {
  const value = raw[key];
  if (isUnknown(value)) return UNKNOWN;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    c.fail(key, value, `expected one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
    return undefined;
  }
  return value as T;
}

export type Maybe<T> = { [K in keyof T]: T[K] | typeof UNKNOWN };

export interface ValidationResult {
  /** Valid inputs with defaults applied; fields not yet known in preview hold UNKNOWN. */
  inputs?: Maybe<PbxInputs>;
  failures: CheckFailure[];
}

/**
 * Set by the resource (not by users) to `pulumi.runtime.isDryRun()`. `check` takes it out of the inputs: it only
 * tells `check` whether this run is a preview, which `check` cannot learn from the engine.
 */
export const DRY_RUN_KEY = "__dryRun";

const KNOWN_KEYS = new Set<string>([...INPUT_KEYS, "__provider", DRY_RUN_KEY]);

/** Validates raw resource inputs: one failure per bad field. */
export function validateInputs(raw: Record<string, unknown>): ValidationResult {
  const c = collector();
  for (const key of Object.keys(raw)) {
    // Outputs and resolved values that a previous version put into inputs are ignored, not rejected.
    if (!KNOWN_KEYS.has(key) && !key.startsWith("resolved") && !OUTPUT_KEYS_SET.has(key)) {
      c.failures.push({
        property: key,
        reason: `${key} is not an input of PSeriesCloudPbx; valid inputs are ${INPUT_KEYS.join(", ")}`,
      });
    }
  }
  const pbxName = text(c, raw, "pbxName", {
    required: true,
    max: PBX_NAME_MAX,
    pattern: SAFE_TEXT,
    patternText: "printable text without control characters or any of < > ` $ \\ { }",
  });
  const subdomain = text(c, raw, "subdomain", {
    required: true,
    min: SUBDOMAIN_MIN,
    max: SUBDOMAIN_MAX,
    pattern: SUBDOMAIN_PATTERN,
    patternText: 'lowercase letters, digits and inner hyphens (a DNS label), e.g. "acme-hq"',
  });
  const region = text(c, raw, "region", {
    required: true,
    max: 64,
    pattern: SAFE_TEXT,
    patternText: "a region name or id",
  });
  const domain = text(c, raw, "domain", {
    required: false,
    min: 3,
    max: 253,
    pattern: DOMAIN_PATTERN,
    patternText: 'a lowercase domain suffix such as "eu.sandbox.yeastarcloud.com"',
  });
  const plan = oneOf(c, raw, "plan", PLAN_NAMES);
  const extensions = integer(c, raw, "extensions", MIN_EXTENSIONS, MAX_EXTENSIONS);
  const billingCycle = oneOf(c, raw, "billingCycle", BILLING_CYCLES);
  const highAvailability = boolean(c, raw, "highAvailability", false);
  const recordingMinutes = integer(c, raw, "recordingMinutes", 0, MAX_RECORDING_MINUTES, 0);
  const billingContact = text(c, raw, "billingContact", {
    required: true,
    max: 254,
    pattern: /^(\d{1,20}|[^\s@]+@[^\s@]+\.[^\s@]+)$/,
    patternText: "a billing contact id (digits) or the contact's email address",
  });
  const owner = text(c, raw, "owner", {
    required: false,
    max: 254,
    pattern: /^(\d{1,20}|[^\s@]+@[^\s@]+\.[^\s@]+)$/,
    patternText: "a subordinate user's partner id (digits) or email address",
  });
  const poNumber = text(c, raw, "poNumber", {
    required: false,
    max: PO_NUMBER_MAX,
    pattern: SAFE_TEXT,
    patternText: "printable text without control characters or any of < > ` $ \\ { }",
  });
  const allowRepurchase = boolean(c, raw, "allowRepurchase", false);
  const orderTimeoutSeconds = integer(c, raw, "orderTimeoutSeconds", 1, 86_400, 900);

  if (c.failures.length > 0) return { failures: c.failures };
  return {
    failures: [],
    inputs: {
      pbxName: pbxName!,
      subdomain: subdomain!,
      region: region!,
      domain,
      plan: plan!,
      extensions: extensions!,
      billingCycle: billingCycle!,
      highAvailability: highAvailability!,
      recordingMinutes: recordingMinutes!,
      billingContact: billingContact!,
      owner,
      poNumber,
      allowRepurchase: allowRepurchase!,
      orderTimeoutSeconds: orderTimeoutSeconds!,
    },
  };
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
