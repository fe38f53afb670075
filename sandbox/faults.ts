/**
 * Injected faults, matched per endpoint in the order they were added.
 */
import { PATHS } from "../provider/api/catalog";
import { PBX_COUNTERS, type FaultSpec, type SandboxEndpoint } from "./types";

const PBX_ENDPOINTS: readonly string[] = Object.values(PBX_COUNTERS);
const ENDPOINTS: readonly string[] = [...Object.keys(PATHS), ...PBX_ENDPOINTS];
/** The endpoints that commit something a fault may follow: the order, and the PBX's writes. */
const COMMITTING: readonly string[] = [
  "orderSave",
  "pbxExtensionCreate",
  "pbxExtensionUpdate",
  "pbxExtensionDelete",
  "pbxInboundRouteCreate",
  "pbxInboundRouteUpdate",
  "pbxInboundRouteDelete",
];

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

export type FaultPhase = "before" | "afterCommit";

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/** Throws a TypeError naming the bad field; admin callers turn it into a 400. */
export function checkFault(input: unknown): FaultSpec {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new TypeError("fault must be an object");
  }
  const f = input as Record<string, unknown>;
  const known = new Set([
    "endpoint",
    "status",
    "code",
    "errcode",
    "retryAfterSeconds",
    "latencyMs",
    "hang",
    "malformed",
    "drop",
    "afterCommit",
    "times",
  ]);
  for (const key of Object.keys(f)) if (!known.has(key)) throw new TypeError(`unknown fault field: ${key}`);
  if (typeof f.endpoint !== "string" || !ENDPOINTS.includes(f.endpoint)) {
    throw new TypeError(`endpoint must be one of ${ENDPOINTS.join(", ")}`);
  }
  if (
    f.status !== undefined &&
    (!Number.isInteger(f.status) || (f.status as number) < 100 || (f.status as number) > 599)
  ) {
    throw new TypeError("status must be an HTTP status code");
  }
  if (f.code !== undefined && typeof f.code !== "string") throw new TypeError("code must be a string");
  if (f.errcode !== undefined && (!Number.isInteger(f.errcode) || !PBX_ENDPOINTS.includes(f.endpoint))) {
    throw new TypeError("errcode must be an integer, for a PBX endpoint (pbx...)");
  }
  for (const key of ["retryAfterSeconds", "latencyMs"] as const) {
    if (f[key] !== undefined && !isNonNegativeInteger(f[key])) {
      throw new TypeError(`${key} must be a non-negative integer`);
    }
  }
  if (f.times !== undefined && (!isNonNegativeInteger(f.times) || f.times === 0)) {
    throw new TypeError("times must be a positive integer");
  }
  for (const key of ["hang", "malformed", "drop", "afterCommit"] as const) {
    if (f[key] !== undefined && typeof f[key] !== "boolean") throw new TypeError(`${key} must be a boolean`);
  }
  const kinds = [f.status !== undefined, f.hang === true, f.malformed === true, f.drop === true].filter(Boolean);
  if (kinds.length > 1) throw new TypeError("choose at most one of status, hang, malformed, drop");
  if (f.afterCommit === true && !COMMITTING.includes(f.endpoint)) {
    throw new TypeError(`afterCommit applies to ${COMMITTING.join(", ")} only`);
  }
  return { ...(f as unknown as FaultSpec) };
}

export class FaultBook {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    const checked = checkFault(spec);
    this.faults.push({ spec: checked, remaining: checked.times ?? Infinity });
  }

  clear(): void {
    this.faults = [];
  }

  /** The next fault for this request, consuming one of its `times`. */
  take(endpoint: SandboxEndpoint, phase: FaultPhase): FaultSpec | undefined {
    const wantAfter = phase === "afterCommit";
    const index = this.faults.findIndex(
      (f) => f.spec.endpoint === endpoint && (f.spec.afterCommit === true) === wantAfter,
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.spec;
  }

  list(): FaultSpec[] {
    return this.faults.map((f) => ({ ...f.spec }));
  }
}
