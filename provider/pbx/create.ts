/**
 * `create`: buys one PBX with one `purchase_plan` order, exactly once (docs/architecture.md, "Money rules"). A PBX
 * of ours already holding the URL is adopted instead; an order whose reply was lost is looked for, never repeated.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { PartnerApi } from "../api/partner-api";
import type { OrderRequest, OrderResult, ProductInfo } from "../api/schemas";
import { autoRenewAfterPurchase } from "./auto-renew";
import type { Deps } from "../runtime/deps";
import {
  PartialError,
  RateLimitedError,
  failedOrderMessage,
  findAfterAmbiguous,
  isAmbiguous,
  messageOf,
  sendOrder,
  waitForOrder,
  type AfterRateLimit,
} from "./orders";
import { describePurchase, purchaseOrder } from "./order-plan";
import type { OrderRecord, PbxState } from "../api/contract";
import { pendingOrdersOf, readProduct } from "./portal";
import { adoptedState, checkedInputsOf, stateFrom, type ResolvedInputs } from "./state";
import { updateImpl } from "./update";

export type CreateResult = pulumi.dynamic.CreateResult<PbxState> & { outs: PbxState };

export async function createImpl(raw: Record<string, unknown>, deps: Deps): Promise<CreateResult> {
  const bought = await purchaseOrAdopt(raw, deps);
  const inputs = checkedInputsOf(raw);
  let outs = await autoRenewAfterPurchase(deps.api(), deps, bought.outs, inputs.autoRenew);
  if (inputs.trial === true && !outs.adopted) outs = await trialEnd(deps, outs);
  // Renewals the preview listed after the purchase: placed as on any PBX, counted from the portal's expiry. An
  // adopted PBX gets them at the next `up`, whose preview lists them.
  if (inputs.renewThrough && !outs.adopted) {
    const renewed = await updateImpl(bought.id, outs, raw, deps);
    return { ...bought, outs: renewed.outs };
  }
  return { ...bought, outs };
}

async function purchaseOrAdopt(raw: Record<string, unknown>, deps: Deps): Promise<CreateResult> {
  const inputs = checkedInputsOf(raw);
  const api = deps.api();
  const url = inputs.resolved.pbxUrl;

  // Exactly once: never buy a URL that already has a PBX of ours (an earlier run may have bought it).
  if (await api.isPbxUrlTaken(url)) {
    const ours = await api.findProductByUrl(url);
    if (!ours) {
      throw new Error(
        `create PBX ${url}: the URL is taken by another Yeastar customer; nothing was bought. Choose another subdomain.`,
      );
    }
    deps.report.warn(adoptionMessage(url, ours.productNo));
    return settleAdopted(api, deps, inputs, ours, `adopted existing PBX ${ours.productNo} found by URL before buying`);
  }

  const request = purchaseOrder(inputs);
  deps.report.info(`placing order: ${describePurchase(inputs)}`);
  let sent: { result: OrderResult } | { done: ProductInfo };
  try {
    sent = await sendOrder(api, deps, `create PBX ${url}`, request, () => lookAfterRateLimit(api, url, request));
  } catch (err) {
    if (err instanceof RateLimitedError) throw err;
    if (!isAmbiguous(err)) {
      throw new Error(`create PBX ${url}: the order was rejected, nothing was bought. ${messageOf(err)}`);
    }
    const e = err;
    // The order may have been stored before the reply was lost: look for the PBX before anything else.
    const found = await findAfterAmbiguous(api, deps, url);
    if (found) {
      deps.report.warn(
        `create PBX ${url}: the order reply was lost (${e.message}), but the PBX exists (serial ${found.productNo}); recorded it, no second order placed.`,
      );
      return settleAdopted(api, deps, inputs, found, `order reply lost; PBX ${found.productNo} found by URL`);
    }
    throw new Error(
      `create PBX ${url}: the order's outcome is unknown (${e.message}) and no PBX with this URL exists in your account, so it was most likely not placed. Nothing was retried. Check the Partner Portal's order list, then run \`pulumi up\` again (it will adopt the PBX if it appears).`,
    );
  }

  if ("done" in sent) {
    const found = sent.done;
    deps.report.warn(
      `create PBX ${url}: the order was refused with HTTP 429, but a PBX of yours with this URL exists (serial ${found.productNo}); recorded it, no order placed.`,
    );
    return settleAdopted(api, deps, inputs, found, `order refused with 429; PBX ${found.productNo} found by URL`);
  }
  const result = sent.result;
  const record: OrderRecord = {
    orderNo: result.orderNo,
    operationType: "purchase_plan",
    orderStatus: result.orderStatus,
    summary: describePurchase(inputs),
  };
  let state = stateFrom(inputs, result, { orders: [record] });
  if (result.orderStatus === "pending") {
    const deadline = deps.now() + inputs.orderTimeoutSeconds * 1000;
    const status = await waitForOrder(api, deps, result.orderNo, deadline);
    record.orderStatus = status;
    state = { ...state, orderStatus: status, status: status === "succeed" ? "active" : status };
    if (status === "pending") {
      throw new PartialError(
        `create PBX ${url}: order ${result.orderNo} is still pending after ${inputs.orderTimeoutSeconds}s. The PBX (instance ${result.instanceId}, serial ${result.productNo}) is recorded in state; run \`pulumi up\` again to wait for it. No second order will be placed.`,
        result.instanceId,
        state,
        [`order ${result.orderNo} pending`],
      );
    }
  }
  if (state.orderStatus !== "succeed") {
    throw new Error(failedOrderMessage(`create PBX ${url}`, result.orderNo, state.orderStatus, result.productNo));
  }
  return { id: result.instanceId, outs: state };
}

/**
 * A trial's last day is the portal's to say (the API does not document a trial's length): one read after the
 * trial order. A failed read keeps the bought trial; `pulumi refresh` fills the date in later.
 */
async function trialEnd(deps: Deps, state: PbxState): Promise<PbxState> {
  try {
    const product = await readProduct(deps.api(), state.productNo, state.pbxUrl);
    return { ...state, trial: product.isTrial === true, expireDate: product.expireDate, status: product.status };
  } catch (err) {
    deps.report.warn(
      `PBX ${state.pbxUrl}: the trial was bought, but its end date could not be read (${messageOf(err)}); run \`pulumi refresh\` to record it.`,
    );
    return state;
  }
}

/**
 * What `create` says when it records a PBX of ours found by URL. The usual cause is a run interrupted while it
 * bought the PBX (Ctrl-C twice, a killed CI job): the CLI then keeps that run's create as a pending operation in
 * the stack, and neither `pulumi up` nor a non-interactive `pulumi refresh` clears it. The message says, at the
 * moment the PBX is recorded, the one command that does (it removes only the stale record; the PBX stays).
 */
export function adoptionMessage(url: string, serial: string): string {
  return (
    `PBX ${url} already exists in your Partner Portal account (serial ${serial}); adopting it instead of buying a second one. ` +
    `If this run warned about pending operations (a run that bought this PBX was interrupted), that record is stale now: ` +
    `after this run, clear it with \`pulumi refresh --clear-pending-creates --yes\` (the PBX stays in the stack and nothing is bought).`
  );
}

/**
 * After a 429 on the purchase order (refused, nothing bought), the URL is looked up as before any purchase: a PBX
 * of ours holding it is adopted, another customer's stops the purchase, a free URL means the order goes again.
 */
async function lookAfterRateLimit(
  api: PartnerApi,
  url: string,
  request: OrderRequest,
): Promise<AfterRateLimit<ProductInfo>> {
  let ours: ProductInfo | undefined;
  try {
    if (!(await api.isPbxUrlTaken(url))) return { send: request };
    ours = await api.findProductByUrl(url);
  } catch (err) {
    throw new RateLimitedError(
      `create PBX ${url}: the order was refused with HTTP 429 (rate limited; nothing was bought), and looking the URL up before sending it again failed, so it was not sent again: ${messageOf(err)}. Run \`pulumi up\` again later.`,
    );
  }
  if (!ours) {
    throw new RateLimitedError(
      `create PBX ${url}: the order was refused with HTTP 429 (rate limited; nothing was bought), and the URL has since been taken by another Yeastar customer, so it was not sent again. Choose another subdomain.`,
    );
  }
  return { done: ours };
}

/**
 * Records a PBX of ours found by URL instead of buying it, as it really is: a PBX whose purchase failed is not
 * adopted (nothing is active; the URL is free again), and one whose purchase is still pending is waited for like
 * an order of this run, so the state never claims a live PBX that is not.
 */
async function settleAdopted(
  api: PartnerApi,
  deps: Deps,
  inputs: ResolvedInputs,
  product: ProductInfo,
  why: string,
): Promise<CreateResult> {
  const url = inputs.resolved.pbxUrl;
  if (product.status === "failed") {
    throw new Error(
      `create PBX ${url}: the Partner Portal has this PBX (serial ${product.productNo}) but its purchase failed, so nothing is active and nothing was bought. Check the order in the Partner Portal, then run \`pulumi up\` again to buy it.`,
    );
  }
  const adopted = adoptedState(inputs, product, why);
  if (product.status !== "pending") return { id: product.instanceId, outs: adopted };

  // Its purchase order is pending: find it (the list is read afresh: it was placed moments ago) and wait for it.
  const [purchase] = (await pendingOrdersOf(api, product.productNo, { fresh: true })).filter(
    (o) => o.operationType === "purchase_plan",
  );
  const orderNo = purchase?.orderNo ?? "";
  const status = orderNo
    ? await waitForOrder(api, deps, orderNo, deps.now() + inputs.orderTimeoutSeconds * 1000)
    : (await readProduct(api, product.productNo, url)).status === "active"
      ? "succeed"
      : "pending";
  const state: PbxState = {
    ...adopted,
    orderNo,
    orderStatus: status,
    status: status === "succeed" ? "active" : status,
    orders: adopted.orders.map((o) => ({ ...o, orderNo, orderStatus: status })),
  };
  if (status === "pending") {
    throw new PartialError(
      `create PBX ${url}: the PBX (serial ${product.productNo}) exists but its purchase${orderNo ? ` (order ${orderNo})` : ""} is still pending. It is recorded in state; run \`pulumi up\` again to wait for it. No second order will be placed.`,
      product.instanceId,
      state,
    );
  }
  if (status !== "succeed") {
    throw new Error(failedOrderMessage(`create PBX ${url}`, orderNo, status, product.productNo));
  }
  return { id: product.instanceId, outs: state };
}
