/**
 * What a preview says `up` will order, priced (docs/architecture.md, "Preview: planned orders"). Reads only, never
 * orders. Two callers: check, for the dynamic resource (which tells check it serves a preview), and the preview's
 * create and update, for the native plugin (which announces preview support, so the engine calls them with
 * `preview: true`). Both plan with the functions `create` and `update` order with, so what a preview lists is what
 * `up` orders.
 */
import type { PartnerApi } from "../api/partner-api";
import type { Deps } from "../runtime/deps";
import { OUTPUT_KEYS, UNKNOWN } from "../api/inputs";
import { show } from "../runtime/field-failures";
import { PLANS } from "../api/catalog";
import { isoDate } from "../api/terms";
import { describePurchase, followUpOrders, needsPortal, purchaseOrder, transitionFailures } from "./order-plan";
import { firstTermEnd, renewalFailures, renewalOrders, renewalPlanFailures, type RenewalOrder } from "./renewal";
import type { PbxState } from "../api/contract";
import { portalView } from "./portal";
import { adoptionView, PENDING_CUSTOMER, planLine, viewOf, viewsOf } from "./quotes";
import type { PlannedOrderView } from "../api/contract";
import { reconcile } from "./reconcile";
import {
  hasUnknown,
  inputsOf,
  isResolved,
  newInputsOf,
  outputsOf,
  stateFrom,
  stateOf,
  type ResolvedInputs,
} from "./state";

/** The price of buying this PBX, as the preview shows it; identical configurations share one quote per process. */
export function purchaseView(api: PartnerApi, inputs: ResolvedInputs): Promise<PlannedOrderView> {
  const order = purchaseOrder(inputs);
  return viewOf(
    api,
    order.operationType,
    inputs.trial === true ? "new PBX (free trial)" : "new PBX",
    describePurchase(inputs),
    order,
  );
}

/**
 * The renewals `create` places after buying a PBX with `renewThrough`, counted from the first term's end (one
 * cycle from today; create counts again from the portal's expiry and never places more than listed here).
 */
export function newPbxRenewals(inputs: ResolvedInputs, today: string): RenewalOrder[] {
  const pbx = {
    plan: inputs.plan,
    planId: PLANS[inputs.plan],
    extensions: inputs.extensions,
    billingCycle: inputs.billingCycle,
    highAvailability: inputs.highAvailability,
    recordingMinutes: inputs.recordingMinutes,
    productNo: "",
    expireDate: firstTermEnd(today, inputs.billingCycle),
  };
  return renewalOrders(pbx, inputs, today);
}

/** Every order buying this PBX takes, priced: the purchase, then any renewals `renewThrough` asks for. */
export async function newPbxViews(api: PartnerApi, inputs: ResolvedInputs, today: string): Promise<PlannedOrderView[]> {
  const renewals = await viewsOf(api, newPbxRenewals(inputs, today));
  return [await purchaseView(api, inputs), ...renewals];
}

/**
 * The follow-up orders `update` will place on a PBX, planned as `update` plans them: from what the portal says
 * the PBX has and has pending, priced. What the portal already has is not listed; a PBX with more than the program
 * asks for fails, naming the field.
 */
export async function plannedFollowUps(
  api: PartnerApi,
  state: PbxState,
  next: ResolvedInputs,
  deps: Deps,
): Promise<{ failures: Array<{ property: string; reason: string }>; views: PlannedOrderView[] }> {
  const { facts, pending, termEnd } = await portalView(api, state.productNo, state.pbxUrl);
  const reconciled = reconcile(state, next, facts, pending.length);
  const today = isoDate(deps.now());
  const failures = [...reconciled.failures, ...renewalPlanFailures(reconciled.base, next, today)];
  if (failures.length > 0) return { failures, views: [] };
  for (const note of reconciled.notes) deps.report.warn(note);
  return { failures: [], views: await viewsOf(api, followUpOrders(reconciled.base, next, today), termEnd) };
}

/** The message a preview shows on a PBX with follow-up orders planned. */
export function followUpLine(url: string, views: readonly PlannedOrderView[], customer?: string): string {
  return views.length > 0
    ? planLine(url, views, customer)
    : `PBX ${url}: the PBX already has what the program asks for; \`pulumi up\` will record it and place no order`;
}

export interface PreviewResult {
  id: string;
  outs: Record<string, unknown>;
}

/** Outputs a preview cannot know (an order's numbers, the portal's status): the engine's unknown marker. */
function unknownOutputs(): Record<string, unknown> {
  return Object.fromEntries(OUTPUT_KEYS.filter((k) => k !== "plannedOrders").map((k) => [k, UNKNOWN]));
}

/**
 * The native plugin's create in a preview: the purchase (or the adoption of a PBX of ours that holds the URL)
 * `create` will make, priced, as the output `plannedOrders`; the other outputs the purchase decides are unknown.
 * Looks the URL up as `create` does right before it buys. Never orders.
 */
export async function previewCreate(raw: Record<string, unknown>, deps: Deps): Promise<PreviewResult> {
  const inputs = newInputsOf(raw);
  // An owner not known yet (a Customer this run creates) changes no order; check resolved the rest without it.
  const ownerPending = inputs.owner === UNKNOWN;
  // Values not known yet (computed from other resources): nothing to plan or price.
  if (!isResolved(inputs) || hasUnknown(ownerPending ? { ...inputs, owner: undefined } : inputs)) {
    return { id: "", outs: { ...unknownOutputs(), ...inputs } };
  }
  const api = deps.api();
  const url = inputs.resolved.pbxUrl;
  let ours = inputs.resolved.adoptProductNo;
  if (!ours && (await api.isPbxUrlTaken(url))) {
    const found = await api.findProductByUrl(url);
    if (!found) {
      throw new Error(
        `subdomain ${show(inputs.subdomain)} gives the PBX URL ${url}, which is taken by another Yeastar customer; choose another subdomain. Nothing was ordered.`,
      );
    }
    ours = found.productNo;
  }
  const views = ours ? [adoptionView(url, ours)] : await newPbxViews(api, inputs, isoDate(deps.now()));
  deps.report.info(planLine(url, views, ownerPending ? PENDING_CUSTOMER : inputs.owner || undefined));
  const unknown = UNKNOWN as string;
  const state = stateFrom(
    inputs,
    {
      instanceId: unknown,
      orderNo: unknown,
      orderStatus: unknown,
      productNo: ours ?? unknown,
      transactionNo: unknown,
    },
    { expireDate: unknown, status: unknown, adopted: ours !== undefined, orders: unknown as never },
  );
  return { id: "", outs: { ...outputsOf(state), plannedOrders: views } };
}

/**
 * The native plugin's update in a preview: the follow-up orders `update` will place, from the stored state and
 * what the portal says the PBX has, priced, as the output `plannedOrders`. Fails, as `update` would, on a change
 * the API cannot make. Never orders.
 */
export async function previewUpdate(
  _id: string,
  olds: PbxState,
  rawNews: Record<string, unknown>,
  deps: Deps,
): Promise<PreviewResult> {
  const state = stateOf({ ...olds });
  const news = newInputsOf(rawNews);
  const stored = outputsOf(state);
  if (!isResolved(news) || hasUnknown(news)) {
    return { id: state.instanceId, outs: { ...stored, ...news, orders: UNKNOWN, orderStatus: UNKNOWN } };
  }
  const today = isoDate(deps.now());
  const failures = [...transitionFailures(state, news), ...renewalFailures(state, news, today)];
  if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));
  let views: PlannedOrderView[] = [];
  if (needsPortal(state, news, today)) {
    const planned = await plannedFollowUps(deps.api(), state, news, deps);
    if (planned.failures.length > 0) throw new Error(planned.failures.map((f) => f.reason).join("; "));
    views = planned.views;
    deps.report.info(followUpLine(state.pbxUrl, views));
  }
  const { adoptProductNo: _drop, ...resolved } = news.resolved;
  const outs: Record<string, unknown> = {
    ...stored,
    ...inputsOf(news),
    billingContactId: resolved.billingContactId,
    assignId: resolved.assignId,
    planId: resolved.planId,
    ...(views.length > 0 ? { orders: UNKNOWN, orderStatus: UNKNOWN } : {}),
    plannedOrders: views,
  };
  return { id: state.instanceId, outs };
}
