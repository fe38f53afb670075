/**
 * State builders and the typed views of what the engine receives: pure functions, no I/O. The engine gets plain
 * property bags from the Pulumi host; `checkedInputsOf` and `stateOf` are the only places that turn them into
 * typed values, after checking what the rest of the engine relies on.
 */
import { PLANS, billingCycleOf } from "../api/catalog";
import type { OrderResult, ProductInfo } from "../api/schemas";
import type { CheckedInputs, PbxState, Resolved } from "../api/contract";
import { INPUT_KEYS, isUnknown, type PbxInputs, type UNKNOWN } from "../api/inputs";
import { portalFacts } from "./reconcile";
import { dateOf } from "../api/terms";
import { converted } from "./trial";

export type ResolvedInputs = CheckedInputs & { resolved: Resolved };

/** Drops undefined values: the engine's protobuf Struct cannot carry them. */
export function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function hasUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (value && typeof value === "object") return Object.values(value).some(hasUnknown);
  return false;
}

/** Inputs with every value known: in a preview, values computed from other resources may not be yet. */
export function allKnown<T extends object>(inputs: T): inputs is { [K in keyof T]: Exclude<T[K], typeof UNKNOWN> } {
  return !hasUnknown(inputs);
}

export function isResolved(inputs: CheckedInputs | undefined): inputs is ResolvedInputs {
  return inputs?.resolved !== undefined;
}

/** The listed keys of an object that are defined. */
export function pickKeys<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out as Pick<T, K>;
}

/** The resource inputs of checked inputs or a state, without resolved values and outputs. */
export function inputsOf(value: PbxInputs): PbxInputs {
  return pickKeys(value, INPUT_KEYS);
}

/**
 * A property bag the engine was handed, viewed as `T` once the keys the engine relies on are there: the one place
 * the host's untyped bags (inputs, old inputs, stored state) become typed values.
 */
function viewOf<T>(raw: object, required: readonly string[], what: string): T {
  const missing = required.filter((k) => (raw as Record<string, unknown>)[k] === undefined);
  if (missing.length > 0) {
    throw new Error(`internal error: ${what} lacks ${missing.join(", ")}; run \`pulumi refresh\`, then \`pulumi up\``);
  }
  return raw as T;
}

/** Old inputs as stored in state; undefined for a new resource (older states may lack `resolved`). */
export function oldInputsOf(olds: Record<string, unknown>): CheckedInputs | undefined {
  if (!olds || olds.pbxName === undefined) return undefined;
  return viewOf<CheckedInputs>(olds, ["pbxName"], "the old inputs");
}

/** New inputs as check returned them (unresolved while values are unknown in a preview). */
export function newInputsOf(raw: Record<string, unknown>): CheckedInputs {
  return viewOf<CheckedInputs>(raw, [], "the checked inputs");
}

/** Inputs that check has resolved (what create and update receive). */
export function checkedInputsOf(raw: Record<string, unknown>): ResolvedInputs {
  if (!raw.resolved) {
    throw new Error("internal error: inputs were not resolved by check; run `pulumi up` again");
  }
  return viewOf<ResolvedInputs>(raw, ["pbxName", "extensions", "plan", "resolved"], "the checked inputs");
}

/** A PBX's state as the engine stored it, with its resolved values (rebuilt from its outputs when not stored). */
export function stateOf(raw: Record<string, unknown>): PbxState {
  return withResolved(viewOf<PbxState>(raw, ["pbxUrl", "productNo", "extensions", "plan"], "the stored state"));
}

/**
 * The state the host hands diff, update and a preview's update (`olds`): written by create or update, so typed as
 * such; each step checks the keys it relies on (`stateOf`).
 */
export function priorStateOf(raw: object): PbxState {
  return viewOf<PbxState>(raw, [], "the stored state");
}

/** The props the host hands read and delete: undefined when there are none (an import, a resource never created). */
export function storedStateOf(raw: object | undefined): PbxState | undefined {
  return raw && Object.keys(raw).length > 0 ? viewOf<PbxState>(raw, [], "the stored state") : undefined;
}

/** A state with `resolved` filled in: states written since the state-size cut keep those values only once. */
export function withResolved(state: PbxState): PbxState {
  return state.resolved ? state : { ...state, resolved: resolvedOf(state) };
}

/**
 * The outputs to store: `resolved` is left out, its values are the outputs `pbxUrl`, `regionId` and so on;
 * `expiresOn` is the date of `expireDate` (unknown while that is).
 */
export function outputsOf(state: PbxState): PbxState {
  const { resolved: _derivable, ...outs } = state;
  if (typeof outs.expireDate !== "string") return outs;
  const expiresOn = isUnknown(outs.expireDate) ? outs.expireDate : dateOf(outs.expireDate);
  // A trial's expiry is its last day; a state that never was a trial (every earlier release's) gets no field.
  const trialEnd = outs.trial === undefined ? {} : { trialEndsOn: outs.trial === true ? expiresOn : "" };
  return { ...outs, expiresOn, ...trialEnd };
}

export function stateFrom(
  inputs: ResolvedInputs,
  order: Pick<OrderResult, "instanceId" | "orderNo" | "orderStatus" | "productNo" | "transactionNo">,
  extra: Partial<PbxState>,
): PbxState {
  // The resolved values are stored once, as the outputs below; `resolvedOf` rebuilds them for `read`.
  const { adoptProductNo: _drop, ...resolved } = inputs.resolved;
  return {
    ...inputsOf(inputs),
    ...(inputs.priceEstimate ? { priceEstimate: inputs.priceEstimate } : {}),
    instanceId: order.instanceId,
    orderNo: order.orderNo,
    orderStatus: order.orderStatus,
    productNo: order.productNo,
    transactionNo: order.transactionNo,
    pbxUrl: resolved.pbxUrl,
    regionId: resolved.regionId,
    regionName: resolved.regionName,
    domainSuffix: resolved.domainSuffix,
    pbxSubDomainId: resolved.pbxSubDomainId,
    planId: resolved.planId,
    billingContactId: resolved.billingContactId,
    assignId: resolved.assignId,
    expireDate: "",
    status: order.orderStatus === "succeed" ? "active" : order.orderStatus,
    adopted: false,
    orders: [],
    ...extra,
  };
}

/** The values check resolved, rebuilt from a state's outputs (a state keeps them once, not twice). */
export function resolvedOf(state: PbxState): Resolved {
  return pickKeys(state, [
    "regionId",
    "regionName",
    "pbxSubDomainId",
    "domainSuffix",
    "pbxUrl",
    "planId",
    "billingContactId",
    "assignId",
  ]);
}

export function adoptedState(inputs: ResolvedInputs, product: ProductInfo, why: string): PbxState {
  const facts = portalFacts(product);
  return stateFrom(
    inputs,
    {
      instanceId: product.instanceId,
      orderNo: "",
      orderStatus: product.status === "pending" ? "pending" : "succeed",
      productNo: product.productNo,
      transactionNo: "",
    },
    {
      adopted: true,
      // Record what exists, not what was asked: the next `up` orders any difference.
      extensions: facts.extensions,
      plan: facts.plan ?? inputs.plan,
      planId: product.planId,
      highAvailability: facts.highAvailability,
      recordingMinutes: facts.recordingMinutes,
      billingCycle: billingCycleOf(product.billingCycle) ?? inputs.billingCycle,
      expireDate: product.expireDate,
      status: product.status,
      orders: [{ orderNo: "", operationType: "adopted", orderStatus: product.status, summary: why }],
    },
  );
}

/**
 * The state once a follow-up order for `field` succeeded, so a later failure keeps what was already bought; a
 * renewal moves the expiry to `until`.
 */
export function applyOrder(state: PbxState, field: string, news: CheckedInputs, until?: string): PbxState {
  switch (field) {
    case "extensions":
      return { ...state, extensions: news.extensions };
    case "highAvailability":
      return { ...state, highAvailability: true };
    case "recordingMinutes":
      return { ...state, recordingMinutes: news.recordingMinutes };
    case "plan":
      return { ...state, plan: news.plan, planId: PLANS[news.plan] };
    case "renewal":
      return until ? { ...state, expireDate: until } : state;
    case "trial":
      // The conversion bought the PBX as the program declares it.
      return converted(state, news, until);
    default:
      return state;
  }
}
