/**
 * `create`: buys one PBX with one `purchase_plan` order, exactly once (docs/architecture.md, "Money rules"). A PBX
 * of ours already holding the URL is adopted instead; an order whose reply was lost is looked for, never repeated.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { OrderResult } from "../api/schemas";
import type { Deps } from "./deps";
import { PartialError, failedOrderMessage, findAfterAmbiguous, isAmbiguous, messageOf, waitForOrder } from "./orders";
import { describePurchase, purchaseOrder, type OrderRecord, type PbxState } from "./plan";
import { adoptedState, checkedInputsOf, stateFrom } from "./state";

export type CreateResult = pulumi.dynamic.CreateResult<PbxState> & { outs: PbxState };

export async function createImpl(raw: Record<string, unknown>, deps: Deps): Promise<CreateResult> {
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
    deps.report.warn(
      `PBX ${url} already exists in your Partner Portal account (serial ${ours.productNo}); adopting it instead of buying a second one.`,
    );
    const state = adoptedState(inputs, ours, `adopted existing PBX ${ours.productNo} found by URL before buying`);
    return { id: ours.instanceId, outs: state };
  }

  const request = purchaseOrder(inputs);
  deps.report.info(`placing order: ${describePurchase(inputs)}`);
  let result: OrderResult;
  try {
    result = await api.createOrder(request);
  } catch (err) {
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
      const state = adoptedState(inputs, found, `order reply lost; PBX ${found.productNo} found by URL`);
      return { id: found.instanceId, outs: state };
    }
    throw new Error(
      `create PBX ${url}: the order's outcome is unknown (${e.message}) and no PBX with this URL exists in your account, so it was most likely not placed. Nothing was retried. Check the Partner Portal's order list, then run \`pulumi up\` again (it will adopt the PBX if it appears).`,
    );
  }

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
