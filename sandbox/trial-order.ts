/**
 * A `switchTrial_plan` order: a free trial becomes a paid PBX. The guide lists the operation but no tutorial
 * describes it for P-Series Cloud Edition, so the sandbox applies the safest reading (docs/api-assumptions.md,
 * "Trials"): only a PBX that is a trial can be converted; the order is a subscription of the PBX's new shape (one
 * plan item of 5..500 extensions, `purchaseType` "purchase", services attached to the plan in its billing cycle),
 * charged like a purchase of that shape, and the paid term starts on the order's day.
 */
import type { ServiceItem } from "../provider/api/schemas";
import { checkSubscriptionItems, complete } from "./order-items";
import { existingProduct, type Obj, type OrderContext, Reasons } from "./request-fields";
import type { StoredProduct } from "./types";

export function checkSwitchTrial(
  body: Obj,
  rawItems: unknown[],
  ctx: OrderContext,
  reasons: Reasons,
  received: Record<string, string>,
): { productNo: string; items: ServiceItem[] } {
  const product = existingProduct(body, ctx, reasons);
  if (product && !product.isTrial) {
    reasons.add(
      "productNo",
      `PBX ${product.productNo} is not a trial (it is already paid); change it with purchase_service or switch_plan`,
    );
  }
  const items = checkSubscriptionItems(rawItems, "switchTrial_plan", "purchase", reasons, received);
  reasons.throwIfAny();
  return { productNo: (product as StoredProduct).productNo, items: items.map(complete) };
}
