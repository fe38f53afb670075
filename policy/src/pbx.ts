/**
 * How a policy sees a PSeriesCloudPbx: its type token and its properties, read so that a value the engine does not
 * know yet (during preview) is never mistaken for a bad one.
 */
import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";
import { CUSTOMER_TOKENS, PBX_TOKENS, isPbxType } from "../../provider/api/contract";
import { UNKNOWN_SENTINELS, type InputKey } from "../../provider/api/inputs";

/** Type tokens and the unknown-value markers are the resource contract's (provider/api/contract.ts). */

/** Tokens treated as a PBX: the dynamic resource's, its spelling without "dynamic/", and the native plugin's. */
export const PBX_TYPES: readonly string[] = PBX_TOKENS.all;

/** The inputs a policy may check (the resource's input keys); every one may be missing, unknown ones read as `undefined`. */
export type PbxProps = Partial<Record<InputKey, unknown>>;

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

/** What `readOrUnknown` returns for a value the engine does not know yet (during preview). */
export const NOT_KNOWN: unique symbol = Symbol("not known yet");

/**
 * Reads one property, telling apart a value not known yet (`NOT_KNOWN`) from one left out (`undefined`; also `null`
 * and `""`, which the resource's inputs treat as left out). For a policy that must not count a value still to come
 * as missing, nor a missing one as set.
 */
export function readOrUnknown(props: Record<string, unknown>, key: keyof PbxProps): unknown {
  let value: unknown;
  try {
    value = props[key];
  } catch (e) {
    if (e instanceof UnknownValueError) return NOT_KNOWN;
    throw e;
  }
  if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) return NOT_KNOWN;
  return value === null || value === "" ? undefined : value;
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
export const CUSTOMER_TYPES: readonly string[] = CUSTOMER_TOKENS.all;

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

type PbxCheck = (props: Record<string, unknown>, args: ResourceValidationArgs, report: ReportViolation) => void;

/** Runs `check` on PSeriesCloudPbx resources only. */
export function forPbx(check: PbxCheck): ResourceValidation {
  return (args, report) => {
    if (!isPbxType(args.type)) {
      return;
    }
    check(args.props, args, report);
  };
}

/** Where a policy's setting is, as a message names it. */
export function configHint(policyName: string, key: string): string {
  return `"${key}" of policy "${policyName}" in the policy pack config`;
}
