/**
 * The sandbox's auto-renewal endpoints: a new PBX starts with it off, `instance_subscription/v1/active` turns it on
 * for the PBX's current plan only and only once the PBX is active, `check/existed_auto_renew` reads it, and
 * nothing turns it off. Neither is an order.
 */
import * as assert from "node:assert/strict";
import { PATHS, PCE_PRODUCT_ID, PLANS } from "../../../provider/api/catalog";
import { buy, call, withSandbox } from "./helpers";

describe("sandbox: auto-renewal", () => {
  const ctx = withSandbox();
  const status = (productNo: string, productId: number | string = PCE_PRODUCT_ID) =>
    call(ctx.sandbox, `${PATHS.autoRenewStatus}?productNo=${productNo}&productId=${productId}`, { token: ctx.token });
  const enable = (json: unknown) => call(ctx.sandbox, PATHS.autoRenewEnable, { token: ctx.token, json });

  it("a new PBX starts off; enabling it for its plan turns it on, places no order, and reads back on", async () => {
    const { productNo } = await buy(ctx);
    assert.deepEqual((await status(productNo)).result, { autoRenew: false });
    const r = await enable({ productNo, productId: String(PCE_PRODUCT_ID), planOrServiceId: PLANS.enterprise });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.result, true);
    assert.deepEqual((await status(productNo)).result, { autoRenew: true });
    assert.equal(ctx.sandbox.admin.stats().orders.length, 1, "only the purchase");
    assert.equal(ctx.sandbox.admin.products()[0].autoRenew, true);
  });

  it("the plan must be the PBX's current one, named in the error", async () => {
    const { productNo } = await buy(ctx);
    const r = await enable({ productNo, productId: PCE_PRODUCT_ID, planOrServiceId: PLANS.ultimate });
    assert.equal(r.status, 400);
    assert.match(r.text, /planOrServiceId/);
    assert.match(r.text, new RegExp(`current plan ${PLANS.enterprise}`));
    assert.deepEqual((await status(productNo)).result, { autoRenew: false });
  });

  it("a missing field, an unknown PBX or a PBX not yet active is refused, and nothing changes", async () => {
    assert.equal((await enable({ productId: PCE_PRODUCT_ID, planOrServiceId: PLANS.enterprise })).status, 400);
    assert.equal((await status("NOPE123")).status, 404);
    ctx.sandbox.admin.setConfig({ orderPendingMs: 60_000 });
    const { productNo } = await buy(ctx);
    const r = await enable({ productNo, productId: PCE_PRODUCT_ID, planOrServiceId: PLANS.enterprise });
    assert.equal(r.status, 400);
    assert.match(r.text, /not active/);
    assert.deepEqual((await status(productNo)).result, { autoRenew: false });
  });
});
