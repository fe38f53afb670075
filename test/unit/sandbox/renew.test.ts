/**
 * The sandbox's renew_plan orders: one more term of the PBX as it is (its plan, its exact extension count, its
 * billing cycle, every service it has, in one order), priced like a purchase of that shape; the expiry moves one
 * cycle on from the current expiry when the order succeeds.
 */
import * as assert from "node:assert/strict";
import { PATHS, PCE_PRODUCT_ID, PLANS, SERVICES } from "../../../provider/api/catalog";
import { CONTACT_ACME, buy, call, withSandbox } from "./helpers";
import { addCycle } from "../../../provider/api/terms";

function renewBody(
  productNo: string,
  o: { plan?: string; extensions?: number; cycle?: string; services?: object[] } = {},
) {
  const cycle = o.cycle ?? "annually";
  return {
    operationType: "renew_plan",
    productId: PCE_PRODUCT_ID,
    productNo,
    billingId: CONTACT_ACME,
    serviceList: [
      {
        serviceType: "plan",
        serviceId: o.plan ?? PLANS.enterprise,
        quantity: o.extensions ?? 10,
        purchaseType: "renew",
        billingModel: "recurring",
        billingCycle: cycle,
        multiCycle: 0,
      },
      ...(o.services ?? []),
    ],
  };
}

function haRenewal(quantity = 10) {
  return {
    serviceType: "service",
    serviceId: SERVICES.highAvailability,
    connectionPlanId: PLANS.enterprise,
    quantity,
    purchaseType: "renew",
    billingModel: "recurring",
    billingCycle: "annually",
    multiCycle: 0,
  };
}

describe("sandbox: renew_plan", () => {
  const ctx = withSandbox();
  const order = (json: unknown) => call(ctx.sandbox, PATHS.orderSave, { token: ctx.token, json });

  it("renews the PBX as it is: one order, priced like a purchase, the expiry one cycle later", async () => {
    const { productNo } = await buy(ctx, { extensions: 10 });
    const before = ctx.sandbox.admin.products()[0].expireDate;
    const r = await order(renewBody(productNo));
    assert.equal(r.status, 200, r.text);
    const orders = ctx.sandbox.admin.stats().orders;
    assert.equal(orders.length, 2);
    assert.equal(orders[1].operationType, "renew_plan");
    assert.equal(orders[1].totalAmount, orders[0].totalAmount, "the same shape costs the same");
    assert.equal(ctx.sandbox.admin.products()[0].expireDate, addCycle(before, "annually"));
  });

  it("refuses another extension count, plan or cycle, naming the field and what the PBX has; nothing changes", async () => {
    const { productNo } = await buy(ctx, { extensions: 10 });
    const before = ctx.sandbox.admin.products()[0].expireDate;
    for (const [body, field, text] of [
      [renewBody(productNo, { extensions: 12 }), "serviceList[0].quantity", /current extension count \(10\)/],
      [renewBody(productNo, { plan: PLANS.ultimate }), "serviceList[0].serviceId", /switch plans with switch_plan/],
      [renewBody(productNo, { cycle: "monthly" }), "serviceList[0].billingCycle", /keeps the PBX's billing cycle/],
    ] as const) {
      const r = await order(body);
      assert.equal(r.status, 400, r.text);
      assert.match(String((r.result as Record<string, string>)[field]), text);
    }
    assert.equal(ctx.sandbox.admin.stats().orders.length, 1);
    assert.equal(ctx.sandbox.admin.products()[0].expireDate, before);
  });

  it("the PBX's services renew in the same order: leaving High Availability out, or adding one it lacks, is refused", async () => {
    const { productNo } = await buy(ctx, { extensions: 10, ha: true });
    const without = await order(renewBody(productNo));
    assert.equal(without.status, 400);
    assert.match(without.text, /High Availability renews in the same order/);
    const withIt = await order(renewBody(productNo, { services: [haRenewal()] }));
    assert.equal(withIt.status, 200, withIt.text);
    const { productNo: plain } = await buy(ctx, { prefix: "plain-pbx", extensions: 10 });
    const extra = await order(renewBody(plain, { services: [haRenewal()] }));
    assert.equal(extra.status, 400);
    assert.match(extra.text, /has no High Availability to renew/);
  });
});
