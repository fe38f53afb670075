/**
 * How a policy sees a PSeriesCloudPbx: its type token and its properties, read so that a value the engine does not
 * know yet (during preview) is never mistaken for a bad one.
 */
import { UnknownValueError } from "@pulumi/policy";

/**
 * Type token of the resource. `dynamic.Resource` with module "yeastar" and type "PSeriesCloudPbx" registers
 * `pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx` (the SDK inserts "dynamic/"; seen in a real preview).
 */
export const PBX_TYPE = "pulumi-nodejs:dynamic/yeastar:PSeriesCloudPbx";

/**
 * Tokens treated as a PBX: the real one, the spelling without "dynamic/" in case the resource ever registers it,
 * and the native provider plugin's (Pulumi YAML programs, imported PBXs).
 */
export const PBX_TYPES: readonly string[] = [
  PBX_TYPE,
  "pulumi-nodejs:yeastar:PSeriesCloudPbx",
  "yeastar:index:PSeriesCloudPbx",
];

export function isPbxType(type: string): boolean {
  return PBX_TYPES.includes(type);
}

/**
 * Sentinels the engine uses for values that are unknown during preview. The policy runtime wraps `props` in a proxy
 * that throws `UnknownValueError` on them; a plain object (tests, other callers) still carries the raw string.
 */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (also what dynamic providers see)
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The inputs a policy checks; every one may be missing, and unknown ones read as `undefined`. */
export interface PbxProps {
  pbxName?: unknown;
  subdomain?: unknown;
  region?: unknown;
  plan?: unknown;
  extensions?: unknown;
  billingCycle?: unknown;
  highAvailability?: unknown;
  allowRepurchase?: unknown;
}

/**
 * Reads one property, returning `undefined` when it is absent or not known yet. Letting the proxy's
 * `UnknownValueError` escape would make the runtime print "can't run policy during preview" for every PBX whose
 * inputs depend on another resource; an unknown value is simply not judged.
 */
export function readKnown(props: Record<string, unknown>, key: keyof PbxProps): unknown {
  let value: unknown;
  try {
    value = props[key];
  } catch (e) {
    if (e instanceof UnknownValueError) {
      return undefined;
    }
    throw e;
  }
  if (value === null || (typeof value === "string" && UNKNOWN_SENTINELS.has(value))) {
    return undefined;
  }
  return value;
}

/** A known numeric value (a number, or a numeric string), else `undefined`. */
export function readKnownNumber(props: Record<string, unknown>, key: keyof PbxProps): number | undefined {
  const value = readKnown(props, key);
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** How a PBX is named in messages: the Pulumi resource name, plus the subdomain when it is known. */
export function describePbx(name: string, props: Record<string, unknown>): string {
  const subdomain = readKnown(props, "subdomain");
  return typeof subdomain === "string" ? `PBX "${name}" (subdomain "${subdomain}")` : `PBX "${name}"`;
}

/** Renders a list of allowed values for a message. */
export function listOf(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/** Type tokens of a Customer (a subordinate user): the dynamic resource's and the native plugin's. */
export const CUSTOMER_TYPES: readonly string[] = ["pulumi-nodejs:dynamic/yeastar:Customer", "yeastar:index:Customer"];

export function isCustomerType(type: string): boolean {
  return CUSTOMER_TYPES.includes(type);
}

/**
 * Whether a property is set, counting a value not known yet (a Customer's `partnerId` before it exists) as set.
 */
export function isSet(props: Record<string, unknown>, key: string): boolean {
  let value: unknown;
  try {
    value = props[key];
  } catch (e) {
    if (e instanceof UnknownValueError) return true;
    throw e;
  }
  return value !== undefined && value !== null && value !== "";
}
