/**
 * `update`: turns a change of the program into follow-up orders, each placed once, planned from what the portal
 * says the PBX has and has pending (docs/architecture.md, "Never buy twice").
 */
import type * as pulumi from "@pulumi/pulumi";
import { PLANS } from "../api/catalog";
import type { PartnerApi } from "../api/partner-api";
import type { OrderResult } from "../api/schemas";
import { settleAutoRenew } from "./auto-renew";
import type { Deps } from "../runtime/deps";
import {
  PartialError,
  RateLimitedError,
  failedOrderMessage,
  isAmbiguous,
  messageOf,
  sendOrder,
  waitForOrder,
  type AfterRateLimit,
} from "./orders";
import { followUpOrders, needsPortal, orderVisibleIn, transitionFailures, type PlannedOrder } from "./order-plan";
import { renewalFailures, renewalPlanFailures } from "./renewal";
import { isoDate } from "../api/terms";
import type { PbxState } from "../api/contract";
import { pendingOrdersOf, readProduct } from "./portal";
import { portalFacts, reconcile } from "./reconcile";
import { applyOrder, checkedInputsOf, inputsOf, stateOf, type ResolvedInputs } from "./state";

export type UpdateResult = pulumi.dynamic.UpdateResult<PbxState> & { outs: PbxState };

export async function updateImpl(
  id: string,
  olds: PbxState,
  rawNews: Record<string, unknown>,
  deps: Deps,
): Promise<UpdateResult> {
  const api = deps.api();
  const news = checkedInputsOf(rawNews);
  const deadline = () => deps.now() + news.orderTimeoutSeconds * 1000;
  let state = await resumePendingOrder(
    api,
    deps,
    id,
    { ...stateOf({ ...olds }), orders: [...(olds.orders ?? [])] },
    deadline(),
  );

  const today = isoDate(deps.now());
  const failures = [...transitionFailures(state, news), ...renewalFailures(state, news, today)];
  if (failures.length > 0) throw new Error(failures.map((f) => f.reason).join("; "));

  // Never buy twice: the state may be behind the portal, so orders are planned from what the PBX has now.
  if (needsPortal(state, news, today)) {
    state = await reconcileWithPortal(api, deps, id, state, news, deadline());
    const planFailures = renewalPlanFailures(state, news, today);
    if (planFailures.length > 0) throw new Error(planFailures.map((f) => f.reason).join("; "));
  }
  for (const planned of followUpOrders(state, news, today)) {
    // A 429 on an earlier order read the portal again: place only what is still missing, planned from that.
    // Renewals are planned again after each one, from the expiry it left.
    const order = followUpOrders(state, news, today).find((o) => o.field === planned.field);
    if (order) state = await placeFollowUp(api, deps, id, state, news, order, deadline);
  }

  // Auto-renewal: no order; after the orders, so a failure here keeps what they bought.
  try {
    state = await settleAutoRenew(api, deps, state, news.autoRenew);
  } catch (err) {
    throw new PartialError(messageOf(err), id, state, [messageOf(err)]);
  }

  // Everything else (contact, PO number, owner, provider code) needs no order: just record the new inputs.
  const { adoptProductNo: _drop, ...resolved } = news.resolved;
  const outs = {
    ...state,
    ...inputsOf(news),
    ...(state.autoRenew !== undefined ? { autoRenew: state.autoRenew } : {}),
    billingContactId: resolved.billingContactId,
    assignId: resolved.assignId,
    planId: PLANS[news.plan],
  } satisfies PbxState;
  return { outs };
}

function productStatusAsOrder(status: string): string {
  return status === "active" ? "succeed" : status;
}

/** An order still pending from an earlier run (recorded in state): wait for it before anything else. */
async function resumePendingOrder(
  api: PartnerApi,
  deps: Deps,
  id: string,
  state: PbxState,
  deadline: number,
): Promise<PbxState> {
  if (state.orderStatus !== "pending") return state;
  const orderNo = state.orderNo;
  // A PBX adopted while its purchase was pending and no order number was found: its status tells.
  const status = orderNo
    ? await waitForOrder(api, deps, orderNo, deadline)
    : productStatusAsOrder((await readProduct(api, state.productNo, state.pbxUrl)).status);
  const next: PbxState = {
    ...state,
    orderStatus: status,
    status: status === "succeed" ? "active" : status,
    orders: state.orders.map((o) => (o.orderNo === orderNo ? { ...o, orderStatus: status } : o)),
  };
  if (status === "pending") {
    throw new PartialError(
      `PBX ${state.pbxUrl}: order ${orderNo} is still pending; run \`pulumi up\` again later. No new order was placed.`,
      id,
      next,
      [`order ${orderNo} pending`],
    );
  }
  if (status !== "succeed") {
    const purchase = state.orders.some((o) => o.orderNo === orderNo && o.operationType === "purchase_plan") || !orderNo;
    throw new Error(
      failedOrderMessage(`PBX ${state.pbxUrl}`, orderNo, status) +
        (purchase
          ? " Its purchase failed, so the stack holds a PBX that is not active: run `pulumi refresh` to drop it, then `pulumi up` to buy it again."
          : ""),
    );
  }
  return next;
}

/**
 * Places one follow-up order, sent once. After an ambiguous failure the PBX is read and the order recorded only
 * if the PBX shows it. Returns the state with the order's effect, so a later failure keeps what was bought.
 */
async function placeFollowUp(
  api: PartnerApi,
  deps: Deps,
  id: string,
  state: PbxState,
  news: ResolvedInputs,
  order: PlannedOrder,
  deadline: () => number,
): Promise<PbxState> {
  deps.report.info(`PBX ${state.pbxUrl} (serial ${state.productNo}): placing order: ${order.summary}`);
  let result: OrderResult | undefined;
  // After a 429 the PBX is read again: what it read is the base, and the order is planned again from it.
  let base = state;
  let current = order;
  const lookAgain = async (refusedAt: number): Promise<AfterRateLimit<PbxState>> => {
    let reconciled: PbxState;
    try {
      reconciled = await reconcileWithPortal(api, deps, id, base, news, deadline(), { since: refusedAt });
    } catch (err) {
      if (err instanceof PartialError) throw err;
      throw new RateLimitedError(
        `PBX ${state.pbxUrl}: the order for ${current.summary} was refused with HTTP 429 (rate limited; nothing was bought for it), and reading the PBX again before sending it again failed, so it was not sent again: ${messageOf(err)}`,
      );
    }
    base = reconciled;
    const next = followUpOrders(reconciled, news, isoDate(deps.now())).find((o) => o.field === current.field);
    if (!next) return { done: reconciled };
    if (next.summary !== current.summary) {
      deps.report.info(`PBX ${state.pbxUrl}: after reading it again, ordering ${next.summary} instead`);
    }
    current = next;
    return { send: next.request };
  };
  try {
    const sent = await sendOrder(
      api,
      deps,
      `PBX ${state.pbxUrl}: order for ${order.summary}`,
      order.request,
      lookAgain,
    );
    if ("done" in sent) return sent.done;
    result = sent.result;
  } catch (err) {
    const partial = (msg: string) => new PartialError(msg, id, base, [msg]);
    if (err instanceof PartialError) throw err;
    if (err instanceof RateLimitedError) throw partial(err.message);
    if (!isAmbiguous(err)) {
      throw partial(
        `PBX ${base.pbxUrl}: order for ${current.summary} was rejected; nothing was bought for it. ${messageOf(err)}`,
      );
    }
    const product = await api.getProduct(base.productNo);
    if (!product || !orderVisibleIn(current, news, portalFacts(product))) {
      throw partial(
        `PBX ${base.pbxUrl}: the outcome of the order for ${current.summary} is unknown (${messageOf(err)}) and the PBX does not show it, so it was most likely not placed. Nothing was retried. Check the Partner Portal, run \`pulumi refresh\`, then \`pulumi up\`.`,
      );
    }
    deps.report.warn(
      `PBX ${base.pbxUrl}: the order reply was lost, but the PBX shows ${current.summary}; recorded it.`,
    );
  }
  let status = result?.orderStatus ?? "succeed";
  if (result && status === "pending") status = await waitForOrder(api, deps, result.orderNo, deadline());
  const recorded: PbxState = {
    ...base,
    orders: [
      ...base.orders,
      {
        orderNo: result?.orderNo ?? "",
        operationType: current.request.operationType,
        orderStatus: status,
        summary: current.summary,
      },
    ],
  };
  if (status === "failed" || status === "invalid" || status === "cancelled") {
    throw new PartialError(failedOrderMessage(`PBX ${base.pbxUrl}`, result?.orderNo ?? "", status), id, recorded);
  }
  const applied = applyOrder(recorded, current.field, news, current.until);
  if (status === "pending") {
    throw new PartialError(
      `PBX ${base.pbxUrl}: order ${result?.orderNo} for ${current.summary} is still pending; it is recorded in state, run \`pulumi up\` again later.`,
      id,
      { ...applied, orderStatus: "pending", orderNo: result?.orderNo ?? state.orderNo },
    );
  }
  return applied;
}

/**
 * Waits for the PBX's orders that the portal still lists as pending (an earlier run may have placed them and lost
 * track), then reads the PBX and reconciles the state with it. Throws, ordering nothing, when the read fails, an
 * earlier order is still pending or did not complete, or the PBX has more than the program asks for.
 */
async function reconcileWithPortal(
  api: PartnerApi,
  deps: Deps,
  id: string,
  state: PbxState,
  news: ResolvedInputs,
  deadline: number,
  opts: { since?: number } = {},
): Promise<PbxState> {
  const where = `PBX ${state.pbxUrl} (serial ${state.productNo})`;
  const nothing = "nothing new was ordered and the stack's state is unchanged";
  let earlier;
  try {
    earlier = await pendingOrdersOf(api, state.productNo, opts);
  } catch (err) {
    throw new Error(
      `${where}: could not read its pending orders from the Partner Portal (${messageOf(err)}); ${nothing}.`,
    );
  }
  for (const pending of earlier) {
    deps.report.info(`${where}: order ${pending.orderNo} placed earlier is pending; waiting for it before ordering`);
    const status = await waitForOrder(api, deps, pending.orderNo, deadline);
    if (status === "pending") {
      const recorded: PbxState = {
        ...state,
        orderStatus: "pending",
        orderNo: pending.orderNo,
        orders: [
          ...state.orders,
          {
            orderNo: pending.orderNo,
            operationType: pending.operationType,
            orderStatus: "pending",
            summary: "placed earlier, found pending in the Partner Portal",
          },
        ],
      };
      const msg = `${where}: order ${pending.orderNo}, placed earlier, is still pending in the Partner Portal; nothing new was ordered. It is recorded in state: run \`pulumi up\` again later to wait for it; it will not be repeated.`;
      throw new PartialError(msg, id, recorded);
    }
    if (status !== "succeed") {
      throw new Error(
        `${where}: order ${pending.orderNo}, placed earlier, ended with status "${status}"; ${nothing}. Check the order in the Partner Portal, then run \`pulumi up\` again.`,
      );
    }
  }
  let product;
  try {
    product = await readProduct(api, state.productNo, state.pbxUrl);
  } catch (err) {
    throw new Error(`${messageOf(err)}; ${nothing}.`);
  }
  const reconciled = reconcile(state, news, portalFacts(product));
  if (reconciled.failures.length > 0) throw new Error(reconciled.failures.map((f) => f.reason).join("; "));
  for (const note of reconciled.notes) deps.report.warn(note);
  return { ...reconciled.base, orders: [...state.orders] };
}
